package io.sluice.deployment.web;

import java.security.Principal;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

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

import io.sluice.deployment.DeploymentProperties;
import io.sluice.deployment.domain.Decision;
import io.sluice.deployment.domain.ReleaseEvent;
import io.sluice.deployment.domain.ReleaseInput;
import io.sluice.deployment.messaging.OperatorCommands;
import io.sluice.platform.security.LogSafe;
import io.sluice.platform.security.Problems;

/**
 * What operators see of every release and the commands they may give, on any replica; each command is audited in the event it
 * causes. A command is checked against the state this replica sees (409 when it does not apply), published keyed by model and
 * executed by the replica that owns the model; the call waits up to {@code command-wait} for the outcome (200 with the events)
 * and otherwise answers 202 with the command id.
 */
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

    private final OperatorCommands releases;
    private final Clock clock;
    private final java.time.Duration commandWait;

    DeploymentController(OperatorCommands releases, Clock clock, DeploymentProperties properties) {
        this.releases = releases;
        this.clock = clock;
        this.commandWait = properties.commandWait();
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
                              @RequestBody(required = false) CommandRequest body, Principal operator)
            throws InterruptedException {
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
        ReleaseInput.Command command = new ReleaseInput.Command(UUID.randomUUID().toString(), model, wanted, actor, reason,
                clock.instant());
        Decision preview = releases.preview(command);
        if (preview.rejected()) {
            log.info("{} by {} refused: {}", wanted, actor, LogSafe.text(preview.note()));
            return message(HttpStatus.CONFLICT, preview.note());
        }
        releases.issue(command, role(actor));
        log.info("{} of {} by {} issued as command {}: {}", wanted, LogSafe.text(model), actor, command.id(), LogSafe.text(reason));
        List<ReleaseEvent> events = releases.awaitOutcome(command.id(), commandWait);
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("commandId", command.id());
        reply.put("actor", actor);
        if (events.isEmpty()) {
            reply.put("message", action + " accepted; the replica that owns " + model + " executes it");
            return ResponseEntity.status(HttpStatus.ACCEPTED).body(reply);
        }
        reply.put("message", action + " accepted");
        reply.put("events", events.stream().map(e -> e.getClass().getSimpleName()).toList());
        reply.put("eventIds", events.stream().map(ReleaseEvent::meta).map(ReleaseEvent.Meta::eventId).toList());
        releases.find(model).ifPresent(release -> {
            DeploymentView view = DeploymentView.of(release);
            reply.put("deployment", view);
            reply.put("phase", view.phase());
            reply.put("stepIndex", view.stepIndex());
            reply.put("stableVersion", view.stableVersion());
            reply.put("canaryVersion", view.canaryVersion());
        });
        return ResponseEntity.ok(reply);
    }

    /** The role part of an actor ({@code writer:ops-1} → {@code writer}). */
    private static String role(String actor) {
        int end = actor.indexOf(':');
        return end < 0 ? actor : actor.substring(0, end);
    }

    private static ResponseEntity<ProblemDetail> message(HttpStatus status, String message) {
        return ResponseEntity.of(Problems.of(status, message, null)).build();
    }
}
