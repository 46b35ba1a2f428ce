package io.sluice.deployment.domain;

import java.time.Instant;
import java.util.List;

/** Everything the release state machine reacts to: approvals, monitoring verdicts, operator commands and the clock. */
public sealed interface ReleaseInput {

    /** Model name the input is about. */
    String model();

    /**
     * An approved model version (from {@code ModelApproved}).
     *
     * @param eventId       the approval's event id (de-duplication, causation)
     * @param occurredAt    when it was approved
     * @param correlationId the pipeline run
     * @param suggested     the evaluator's suggested strategy, or null
     */
    record Approved(String eventId, Instant occurredAt, String correlationId, String model, String version, String modelUri,
                    Strategy suggested) implements ReleaseInput {}

    /** What monitoring concluded. */
    enum Outcome { HEALTHY, DEGRADED, INCONCLUSIVE }

    /**
     * A monitoring verdict on a canary step (or, with step -1 and the production version, on production).
     *
     * @param canaryVersion version judged
     * @param stableVersion version it was compared with, or null
     * @param stepIndex     release step the verdict is for; -1 for shadow or production checks
     * @param checks        the evidence, each with its sample sizes
     */
    record Verdict(String eventId, Instant occurredAt, String correlationId, String model, String canaryVersion,
                   String stableVersion, int stepIndex, Outcome outcome, List<Check> checks, String reason) implements ReleaseInput {

        public Verdict {
            checks = List.copyOf(checks);
        }

        /** The smallest candidate sample size over the checks; 0 when there are none. */
        public long samples() {
            return checks.stream().mapToLong(Check::candidateSamples).min().orElse(0);
        }
    }

    /** What an operator can ask for. */
    enum Action { PROMOTE, ROLLBACK, PAUSE, RESUME }

    /**
     * An operator's command.
     *
     * @param id     the command's id (the OperatorCommandIssued event id): the resulting event's causation, and how a
     *               redelivered command is recognised; null for a command given in process
     * @param actor  who asked (never {@link ReleaseEvent#SYSTEM})
     * @param reason why, recorded in the resulting event
     * @param at     when it was asked
     */
    record Command(String id, String model, Action action, String actor, String reason, Instant at) implements ReleaseInput {

        /** A command without an id. */
        public Command(String model, Action action, String actor, String reason, Instant at) {
            this(null, model, action, actor, reason, at);
        }
    }

    /**
     * The clock moved: step deadlines are checked.
     *
     * @param now the current time
     */
    record Tick(String model, Instant now) implements ReleaseInput {}
}
