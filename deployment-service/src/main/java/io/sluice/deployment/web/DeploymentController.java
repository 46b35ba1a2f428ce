package io.sluice.deployment.web;

import java.security.Principal;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.sluice.deployment.domain.ReleaseEvent;
import io.sluice.deployment.domain.ReleaseInput;
import io.sluice.deployment.domain.Releases;
import io.sluice.platform.security.LogSafe;

/** What operators see of every release and the commands they may give; each command is audited in the event it causes. */
@RestController
class DeploymentController {

    private static final Logger log = LoggerFactory.getLogger(DeploymentController.class);
    private static final int MAX_REASON = 500;

    /**
     * Body of a command.
     *
     * @param reason why (recorded in the event); optional, at most 500 characters
     */
    record CommandRequest(String reason) {}

    private final Releases releases;
    private final Clock clock;

    DeploymentController(Releases releases, Clock clock) {
        this.releases = releases;
        this.clock = clock;
    }

    @GetMapping("/deployments")
    Map<String, List<DeploymentView>> all() {
        return Map.of("deployments", releases.all().stream().map(DeploymentView::of).toList());
    }

    @GetMapping("/deployments/{model}")
    ResponseEntity<?> one(@PathVariable String model) {
        return releases.find(model).<ResponseEntity<?>>map(r -> ResponseEntity.ok(DeploymentView.of(r)))
                .orElseGet(() -> message(HttpStatus.NOT_FOUND, "no deployment for model " + model));
    }

    @PostMapping("/deployments/{model}/{action}")
    ResponseEntity<?> command(@PathVariable String model, @PathVariable String action,
                              @RequestBody(required = false) CommandRequest body, Principal operator) {
        ReleaseInput.Action wanted;
        try {
            wanted = ReleaseInput.Action.valueOf(action.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            return message(HttpStatus.NOT_FOUND, "unknown command " + action + " (promote, rollback, pause, resume)");
        }
        if (releases.find(model).isEmpty()) {
            return message(HttpStatus.NOT_FOUND, "no deployment for model " + model);
        }
        String reason = body == null || body.reason() == null || body.reason().isBlank() ? "no reason given" : body.reason().strip();
        if (reason.length() > MAX_REASON) {
            return message(HttpStatus.BAD_REQUEST, "reason is longer than " + MAX_REASON + " characters");
        }
        String actor = operator.getName();
        Releases.Outcome outcome = releases.handle(new ReleaseInput.Command(model, wanted, actor, reason, clock.instant()));
        if (outcome.decision().rejected()) {
            log.info("{} by {} refused: {}", wanted, actor, LogSafe.text(outcome.decision().note()));
            return message(HttpStatus.CONFLICT, outcome.decision().note());
        }
        log.info("{} of {} by {}: {}", wanted, LogSafe.text(model), actor, LogSafe.text(reason));
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("message", action + " accepted");
        reply.put("actor", actor);
        reply.put("events", outcome.decision().events().stream().map(e -> e.getClass().getSimpleName()).toList());
        reply.put("eventIds", outcome.decision().events().stream().map(ReleaseEvent::meta).map(ReleaseEvent.Meta::eventId).toList());
        reply.put("deployment", DeploymentView.of(outcome.release()));
        DeploymentView view = DeploymentView.of(outcome.release());
        reply.put("phase", view.phase());
        reply.put("stepIndex", view.stepIndex());
        reply.put("stableVersion", view.stableVersion());
        reply.put("canaryVersion", view.canaryVersion());
        return ResponseEntity.ok(reply);
    }

    private static ResponseEntity<ProblemDetail> message(HttpStatus status, String message) {
        return ResponseEntity.of(ProblemDetail.forStatusAndDetail(status, message)).build();
    }
}
