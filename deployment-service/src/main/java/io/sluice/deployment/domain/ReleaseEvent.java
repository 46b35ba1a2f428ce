package io.sluice.deployment.domain;

import java.time.Instant;
import java.util.List;

/**
 * What the release state machine decided, published on the deployments topic; the state is a fold of these events.
 */
public sealed interface ReleaseEvent {

    /** Actor of every decision the service takes on its own. */
    String SYSTEM = "system";

    /** Identity and lineage of the event. */
    Meta meta();

    /** Model name the event is about. */
    String model();

    /** Why it happened, in words. */
    String reason();

    /**
     * Identity, time and lineage of an event.
     *
     * @param eventId       random id of this event
     * @param at            when it happened
     * @param correlationId the pipeline run
     * @param causationId   the input event it reacts to, or null (operators, the clock)
     */
    record Meta(String eventId, Instant at, String correlationId, String causationId) {}

    /** A release of an approved version began; IMMEDIATE releases are promoted by the next event. */
    record Started(Meta meta, String model, String version, String stableVersion, Strategy strategy, List<Integer> steps, int weight,
                   String modelUri) implements ReleaseEvent {
        public Started {
            steps = List.copyOf(steps);
        }

        @Override
        public String reason() {
            return switch (strategy) {
                case IMMEDIATE -> "first version of " + model + ": nothing serves yet";
                case SHADOW_FIRST -> "shadowing " + version + " against " + stableVersion;
                case CANARY -> "canary " + version + " at " + weight + " % against " + stableVersion;
            };
        }
    }

    /** The candidate moved to another step (shadow → first step, or step k → k+1). */
    record Shifted(Meta meta, String model, String canaryVersion, String stableVersion, int stepIndex, int fromWeight, int toWeight,
                   String reason, String verdictEventId) implements ReleaseEvent {}

    /** A version became production (100 %). */
    record Promoted(Meta meta, String model, String version, String previousVersion, String actor, String reason,
                    String verdictEventId) implements ReleaseEvent {}

    /** A version was taken out of traffic; {@code restoredVersion} serves 100 % of what it answered. */
    record RolledBack(Meta meta, String model, String version, String restoredVersion, String actor, String reason,
                      String verdictEventId, List<Check> evidence) implements ReleaseEvent {
        public RolledBack {
            evidence = List.copyOf(evidence);
        }
    }

    /**
     * A release stopped moving ({@code held}) or moves again; by {@link #SYSTEM} it is a hold (inconclusive, too few samples,
     * step deadline), by an operator a pause.
     */
    record Held(Meta meta, String model, String version, int stepIndex, boolean held, String actor, String reason)
            implements ReleaseEvent {}
}
