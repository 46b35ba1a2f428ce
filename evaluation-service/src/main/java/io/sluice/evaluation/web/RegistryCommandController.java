package io.sluice.evaluation.web;

import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.sluice.evaluation.EvaluationProperties;
import io.sluice.evaluation.domain.ModelRegistry;
import io.sluice.evaluation.domain.RegistryCommand;
import io.sluice.evaluation.registry.RegistryCommands;
import io.sluice.platform.security.LogSafe;
import io.sluice.platform.security.Problems;

/**
 * Operators' changes to the registry, on any replica, each audited with the caller's principal: set or move an alias, remove
 * one, block or unblock a version, annotate one. A command is checked against the registry this replica sees (409 when it does
 * not apply, 404 for an unknown model, or an unknown version except to block it ahead of its evaluation), published as {@code RegistryCommandIssued}, and the call waits up to
 * {@code command-wait} for this replica's fold of it (200 with the outcome, else 202 with the command id).
 */
@RestController
class RegistryCommandController {

    private static final Logger log = LoggerFactory.getLogger(RegistryCommandController.class);
    private static final int MAX_TEXT = 500;

    /**
     * Body of a registry command.
     *
     * @param version the version an alias is set to (alias commands only)
     * @param reason  why (for a note: the note itself); at most 500 characters
     */
    record CommandRequest(String version, String reason) {}

    private final ModelRegistry registry;
    private final RegistryCommands commands;
    private final Clock clock;
    private final Duration wait;

    RegistryCommandController(ModelRegistry registry, RegistryCommands commands, Clock clock, EvaluationProperties properties) {
        this.registry = registry;
        this.commands = commands;
        this.clock = clock;
        this.wait = properties.commandWait();
    }

    @PostMapping("/models/{name}/aliases/{alias}")
    ResponseEntity<?> setAlias(@PathVariable String name, @PathVariable String alias, @RequestBody(required = false) CommandRequest body,
                               Principal caller) throws InterruptedException {
        String version = body == null ? null : body.version();
        if (version == null || version.isBlank()) {
            return problem(HttpStatus.BAD_REQUEST, "the body needs the version the alias points to: {\"version\": \"v2\", \"reason\": \"…\"}");
        }
        return run(RegistryCommand.Action.SET_ALIAS, name, alias, version.strip(), body, caller);
    }

    @PostMapping("/models/{name}/aliases/{alias}/remove")
    ResponseEntity<?> removeAlias(@PathVariable String name, @PathVariable String alias, @RequestBody(required = false) CommandRequest body,
                                  Principal caller) throws InterruptedException {
        return run(RegistryCommand.Action.REMOVE_ALIAS, name, alias, null, body, caller);
    }

    @PostMapping("/models/{name}/versions/{version}/{action}")
    ResponseEntity<?> version(@PathVariable String name, @PathVariable String version, @PathVariable String action,
                              @RequestBody(required = false) CommandRequest body, Principal caller) throws InterruptedException {
        RegistryCommand.Action wanted = RegistryCommand.Action.parse(action);
        if (wanted != RegistryCommand.Action.BLOCK && wanted != RegistryCommand.Action.UNBLOCK && wanted != RegistryCommand.Action.ANNOTATE) {
            return problem(HttpStatus.NOT_FOUND, "unknown registry command " + action + " (block, unblock, annotate)");
        }
        return run(wanted, name, null, version, body, caller);
    }

    private ResponseEntity<?> run(RegistryCommand.Action action, String name, String alias, String version, CommandRequest body,
                                  Principal caller) throws InterruptedException {
        if (registry.versions(name).isEmpty() && registry.routing(name).isEmpty()) {
            return problem(HttpStatus.NOT_FOUND, "no model named '" + name + "'");
        }
        // a version may be blocked before the registry knows it (before its evaluation); aliases and notes need a known one
        if (version != null && action != RegistryCommand.Action.BLOCK && registry.get(name, version).isEmpty()) {
            return problem(HttpStatus.NOT_FOUND, "model '" + name + "' has no version '" + version + "'");
        }
        if (alias != null && !RegistryCommand.ALIAS.matcher(alias).matches()) {
            return problem(HttpStatus.BAD_REQUEST, "an alias is lower-case letters, digits and dashes, starting with a letter (at most 40)");
        }
        String reason = body == null || body.reason() == null || body.reason().isBlank() ? null : body.reason().strip();
        if (reason == null && action == RegistryCommand.Action.ANNOTATE) {
            return problem(HttpStatus.BAD_REQUEST, "a note needs its text: {\"reason\": \"…\"}");
        }
        if (reason != null && reason.length() > MAX_TEXT) {
            return problem(HttpStatus.BAD_REQUEST, "reason is longer than " + MAX_TEXT + " characters");
        }
        String actor = caller.getName();
        RegistryCommand command = new RegistryCommand(UUID.randomUUID().toString(), name, action, alias, version, actor, role(actor),
                reason == null ? "no reason given" : reason, clock.instant());
        Optional<String> refusal = registry.refusal(command);
        if (refusal.isPresent()) {
            log.info("registry {} by {} refused: {}", action, actor, LogSafe.text(refusal.get()));
            return problem(HttpStatus.CONFLICT, refusal.get());
        }
        if (!commands.issue(command)) {
            return problem(HttpStatus.SERVICE_UNAVAILABLE, "the registry command could not be published; try again");
        }
        log.info("registry {} of {} by {} issued as command {}: {}", action, LogSafe.text(name), actor, command.id(), LogSafe.text(command.reason()));
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("commandId", command.id());
        reply.put("actor", actor);
        Optional<RegistryCommand.Audited> outcome = commands.awaitOutcome(command, wait);
        if (outcome.isEmpty()) {
            reply.put("message", "accepted; every replica's registry folds it in order");
            return ResponseEntity.status(HttpStatus.ACCEPTED).body(reply);
        }
        if (!outcome.get().applied()) {
            return problem(HttpStatus.CONFLICT, outcome.get().note()); // another command got there first
        }
        reply.put("message", outcome.get().note());
        reply.put("aliases", RegistryController.aliases(registry, name));
        return ResponseEntity.ok(reply);
    }

    /** The role part of an actor ({@code writer:ops-1} → {@code writer}). */
    private static String role(String actor) {
        int end = actor.indexOf(':');
        return end < 0 ? actor : actor.substring(0, end);
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String message) {
        return ResponseEntity.of(Problems.of(status, message, null)).build();
    }
}
