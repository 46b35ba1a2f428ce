package io.sluice.deployment.domain;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import io.sluice.deployment.domain.ReleaseEvent.Held;
import io.sluice.deployment.domain.ReleaseEvent.Meta;
import io.sluice.deployment.domain.ReleaseEvent.Promoted;
import io.sluice.deployment.domain.ReleaseEvent.RolledBack;
import io.sluice.deployment.domain.ReleaseEvent.Shifted;
import io.sluice.deployment.domain.ReleaseEvent.Started;
import io.sluice.deployment.domain.ReleaseInput.Approved;
import io.sluice.deployment.domain.ReleaseInput.Command;
import io.sluice.deployment.domain.ReleaseInput.Tick;
import io.sluice.deployment.domain.ReleaseInput.Verdict;
import io.sluice.deployment.domain.Release.Candidate;
import io.sluice.deployment.domain.Release.Deployed;

/**
 * The release state machine: {@link #decide} turns an input into events, {@link #evolve} folds an event into the state, so the
 * live state and the state rebuilt from the event history are the same by construction.
 */
public final class ReleaseMachine {

    private final ReleasePolicy policy;
    private final Supplier<String> ids;
    private final Supplier<Instant> clock;
    private final Blocks blocks;

    /** A machine with random event ids that stamps events with the system clock. */
    public ReleaseMachine(ReleasePolicy policy) {
        this(policy, () -> UUID.randomUUID().toString(), Instant::now);
    }

    /**
     * @param ids   source of event ids
     * @param clock when a decision is taken: every event it leads to carries this time
     */
    public ReleaseMachine(ReleasePolicy policy, Supplier<String> ids, Supplier<Instant> clock) {
        this(policy, ids, clock, Blocks.NONE);
    }

    /**
     * @param blocks versions blocked in the model registry: an approval of one is refused with a {@code ReleaseHeld} saying why,
     *               and a running candidate that gets blocked is rolled back at the next deadline check
     */
    public ReleaseMachine(ReleasePolicy policy, Supplier<String> ids, Supplier<Instant> clock, Blocks blocks) {
        this.policy = policy;
        this.ids = ids;
        this.clock = clock;
        this.blocks = blocks;
    }

    public ReleasePolicy policy() {
        return policy;
    }

    /** Decides what an input means for a release; never changes the state itself. */
    public Decision decide(Release state, ReleaseInput input) {
        if (input instanceof Approved approved) {
            return approve(state, approved);
        }
        if (input instanceof Verdict verdict) {
            return judge(state, verdict);
        }
        if (input instanceof Command command) {
            return command(state, command);
        }
        return tick(state, (Tick) input);
    }

    private Decision approve(Release state, Approved in) {
        if (state.handled(in.eventId())) {
            return Decision.ignored("duplicate approval " + in.eventId());
        }
        java.util.Optional<String> block = blocks.blocked(state.model(), in.version());
        if (block.isPresent()) { // never released: the refusal is an event, so nobody wonders why nothing moved
            return Decision.of(new Held(meta(in.correlationId(), in.eventId()), state.model(), in.version(), -1, true, ReleaseEvent.SYSTEM,
                    "not released: " + in.version() + " is blocked in the model registry " + block.get()));
        }
        Candidate running = state.candidate();
        if (running != null && running.version().equals(in.version())) {
            return Decision.ignored("version " + in.version() + " is already being released");
        }
        if (state.stable() != null && stableVersion(state).equals(in.version())) {
            return Decision.ignored("version " + in.version() + " is already production");
        }
        Meta cause = meta(in.correlationId(), in.eventId());
        List<ReleaseEvent> events = new ArrayList<>();
        if (running != null) {
            events.add(new RolledBack(cause, state.model(), running.version(), stableVersion(state), ReleaseEvent.SYSTEM,
                    "superseded by newer approved version " + in.version(), null, List.of()));
        }
        Deployed stable = state.stable();
        if (stable == null) {
            events.add(new Started(meta(in.correlationId(), in.eventId()), state.model(), in.version(), null,
                    Strategy.IMMEDIATE, List.of(100), 100, in.modelUri()));
            events.add(new Promoted(meta(in.correlationId(), in.eventId()), state.model(), in.version(), null,
                    ReleaseEvent.SYSTEM, "immediate release: nothing served " + state.model() + " before", null));
        } else {
            Strategy strategy = strategy(state.model(), in.suggested());
            List<Integer> steps = policy.steps(state.model());
            int weight = strategy == Strategy.SHADOW_FIRST ? 0 : steps.get(0);
            events.add(new Started(meta(in.correlationId(), in.eventId()), state.model(), in.version(),
                    stable.version(), strategy, steps, weight, in.modelUri()));
        }
        return new Decision(events, false, null);
    }

    private Strategy strategy(String model, Strategy suggested) {
        Strategy configured = policy.strategyPerModel().get(model);
        if (configured != null && configured != Strategy.IMMEDIATE) {
            return configured;
        }
        if (suggested == Strategy.CANARY || suggested == Strategy.SHADOW_FIRST) {
            return suggested;
        }
        return policy.defaultStrategy(); // IMMEDIATE is never allowed once something serves
    }

    private Decision judge(Release state, Verdict in) {
        if (state.handled(in.eventId())) {
            return Decision.ignored("duplicate verdict " + in.eventId());
        }
        Candidate candidate = state.candidate();
        Deployed stable = state.stable();
        Meta cause = meta(in.correlationId(), in.eventId());
        if (candidate != null && candidate.version().equals(in.canaryVersion())) {
            if (in.occurredAt().isBefore(candidate.attemptStarted())) {
                return Decision.ignored("verdict predates the current attempt of " + candidate.version());
            }
            if (in.stepIndex() != candidate.stepIndex()) {
                return Decision.ignored("verdict for step " + in.stepIndex() + " but the release is at step " + candidate.stepIndex());
            }
            return switch (in.outcome()) {
                case DEGRADED -> Decision.of(new RolledBack(cause, state.model(), candidate.version(), stable.version(),
                        ReleaseEvent.SYSTEM, "canary degraded at " + stepName(candidate) + ": " + in.reason(), in.eventId(),
                        in.checks()));
                case INCONCLUSIVE -> candidate.paused() || candidate.holdReason() != null
                        ? Decision.ignored("inconclusive verdict while the release already holds")
                        : Decision.of(hold(cause, state, candidate, "inconclusive at " + stepName(candidate) + ": " + in.reason()));
                case HEALTHY -> healthy(state, candidate, in, cause);
            };
        }
        if (stable != null && stable.version().equals(in.canaryVersion()) && in.stepIndex() == -1) {
            if (in.outcome() != ReleaseInput.Outcome.DEGRADED) {
                return Decision.ignored("production " + stable.version() + " is " + in.outcome().name().toLowerCase());
            }
            return productionDegraded(state, in, cause);
        }
        return Decision.ignored("verdict for " + in.canaryVersion() + " step " + in.stepIndex() + " matches no release in flight");
    }

    private Decision healthy(Release state, Candidate candidate, Verdict in, Meta cause) {
        if (candidate.paused()) {
            return Decision.ignored("healthy verdict while paused by an operator");
        }
        if (in.samples() < policy.minSamples()) {
            return candidate.holdReason() != null ? Decision.ignored("healthy verdict with too few samples while held")
                    : Decision.of(hold(cause, state, candidate, "healthy verdict at " + stepName(candidate) + " rests on only "
                    + in.samples() + " samples, " + policy.minSamples() + " needed; holding"));
        }
        if (candidate.lastStep()) {
            return Decision.of(new Promoted(cause, state.model(), candidate.version(), stableVersion(state), ReleaseEvent.SYSTEM,
                    "healthy at the last step (" + candidate.weight() + " %) with " + in.samples() + " samples", in.eventId()));
        }
        int next = candidate.stepIndex() + 1;
        return Decision.of(new Shifted(cause, state.model(), candidate.version(), stableVersion(state), next, candidate.weight(),
                candidate.steps().get(next), "healthy at " + stepName(candidate) + " with " + in.samples() + " samples",
                in.eventId()));
    }

    private Decision productionDegraded(Release state, Verdict in, Meta cause) {
        Deployed stable = state.stable();
        Deployed predecessor = state.predecessor();
        Candidate candidate = state.candidate();
        if (predecessor == null || candidate != null && candidate.version().equals(predecessor.version())) {
            return Decision.of(new Held(cause, state.model(), stable.version(), -1, true, ReleaseEvent.SYSTEM,
                    "production " + stable.version() + " degraded (" + in.reason() + ") but there is no predecessor to roll back to"));
        }
        List<ReleaseEvent> events = new ArrayList<>();
        if (candidate != null) {
            events.add(new RolledBack(cause, state.model(), candidate.version(), stable.version(), ReleaseEvent.SYSTEM,
                    "its baseline " + stable.version() + " is being rolled back", null, List.of()));
        }
        events.add(new RolledBack(meta(in.correlationId(), in.eventId()), state.model(), stable.version(),
                predecessor.version(), ReleaseEvent.SYSTEM, "production degraded against " + predecessor.version() + ": " + in.reason(),
                in.eventId(), in.checks()));
        return new Decision(events, false, null);
    }

    private Decision command(Release state, Command in) {
        if (in.id() != null && state.handled(in.id())) {
            return Decision.ignored("duplicate command " + in.id());
        }
        Candidate candidate = state.candidate();
        Meta meta = meta("operator:" + state.model(), in.id());
        return switch (in.action()) {
            case PROMOTE -> candidate == null ? Decision.rejected("no release of " + state.model() + " is in progress")
                    : Decision.of(new Promoted(meta, state.model(), candidate.version(), stableVersion(state), in.actor(),
                    in.reason(), null));
            case ROLLBACK -> {
                if (candidate != null) {
                    yield Decision.of(new RolledBack(meta, state.model(), candidate.version(), stableVersion(state), in.actor(),
                            in.reason(), null, List.of()));
                }
                if (state.stable() != null && state.predecessor() != null) {
                    yield Decision.of(new RolledBack(meta, state.model(), stableVersion(state), state.predecessor().version(),
                            in.actor(), in.reason(), null, List.of()));
                }
                yield Decision.rejected("nothing to roll back: no release in progress and no predecessor of production");
            }
            case PAUSE -> candidate == null ? Decision.rejected("no release of " + state.model() + " is in progress")
                    : candidate.paused() ? Decision.rejected("the release of " + candidate.version() + " is already paused")
                    : Decision.of(new Held(meta, state.model(), candidate.version(), candidate.stepIndex(), true, in.actor(),
                    in.reason()));
            case RESUME -> candidate == null || !candidate.paused() && candidate.holdReason() == null
                    ? Decision.rejected("no paused or held release of " + state.model())
                    : Decision.of(new Held(meta, state.model(), candidate.version(), candidate.stepIndex(), false, in.actor(),
                    in.reason()));
        };
    }

    private Decision tick(Release state, Tick in) {
        Candidate candidate = state.candidate();
        java.util.Optional<String> block = candidate == null ? java.util.Optional.empty() : blocks.blocked(state.model(), candidate.version());
        if (block.isPresent()) { // blocked while in release (paused or held too): out of traffic
            return Decision.of(new RolledBack(meta("registry:" + state.model(), null), state.model(), candidate.version(), stableVersion(state),
                    ReleaseEvent.SYSTEM, "blocked in the model registry " + block.get() + ": taken out of traffic", null, List.of()));
        }
        if (candidate == null || candidate.paused() || candidate.holdReason() != null
                || in.now().isBefore(candidate.stepSince().plus(policy.stepDeadline()))) {
            return Decision.ignored(null);
        }
        Meta meta = meta("deadline:" + state.model(), null);
        return Decision.of(hold(meta, state, candidate, "no healthy verdict with at least " + policy.minSamples() + " samples within "
                + policy.stepDeadline() + " at " + stepName(candidate) + ": too little traffic; holding, never promoting on time"));
    }

    private static Held hold(Meta meta, Release state, Candidate candidate, String why) {
        return new Held(meta, state.model(), candidate.version(), candidate.stepIndex(), true, ReleaseEvent.SYSTEM, why);
    }

    private static String stableVersion(Release state) {
        return state.stable() == null ? null : state.stable().version();
    }

    private static String stepName(Candidate candidate) {
        return candidate.stepIndex() < 0 ? "shadow" : "step " + candidate.stepIndex() + " (" + candidate.weight() + " %)";
    }

    private Meta meta(String correlationId, String causationId) {
        // milliseconds: what the events carry on the wire, so a rebuilt state compares equal to the live one
        return new Meta(ids.get(), clock.get().truncatedTo(ChronoUnit.MILLIS), correlationId, causationId);
    }

    /** Folds one event into the state; tolerant of events that no longer fit (they only bump the revision). */
    public Release evolve(Release state, ReleaseEvent event) {
        Phase settled = state.settled();
        Deployed stable = state.stable();
        Candidate candidate = state.candidate();
        List<Deployed> predecessors = new ArrayList<>(state.predecessors());
        Map<String, String> uris = new HashMap<>(state.knownUris());
        if (event instanceof Started e) {
            uris.put(e.version(), e.modelUri());
            candidate = new Candidate(e.version(), e.modelUri(), e.strategy(), e.steps(), e.weight() == 0 ? -1 : 0, e.meta().at(),
                    e.meta().at(), false, null);
        } else if (event instanceof Shifted e) {
            if (candidate != null && candidate.version().equals(e.canaryVersion())) {
                candidate = candidate.atStep(e.stepIndex(), e.meta().at());
            }
        } else if (event instanceof Promoted e) {
            String uri = candidate != null && candidate.version().equals(e.version()) ? candidate.modelUri() : uris.get(e.version());
            if (stable != null && !stable.version().equals(e.version())) {
                String replaced = stable.version();
                predecessors.removeIf(d -> d.version().equals(replaced));
                predecessors.add(stable);
            }
            predecessors.removeIf(d -> d.version().equals(e.version()));
            stable = new Deployed(e.version(), uri);
            candidate = null;
            settled = Phase.PROMOTED;
        } else if (event instanceof RolledBack e) {
            if (candidate != null && candidate.version().equals(e.version())) {
                candidate = null;
            } else if (stable != null && stable.version().equals(e.version()) && e.restoredVersion() != null) {
                Deployed restored = predecessors.stream().filter(d -> d.version().equals(e.restoredVersion())).findFirst()
                        .orElse(new Deployed(e.restoredVersion(), uris.get(e.restoredVersion())));
                predecessors.remove(restored);
                stable = restored;
            }
            predecessors.removeIf(d -> d.version().equals(e.version()));
            settled = Phase.ROLLED_BACK;
        } else if (event instanceof Held e) {
            if (candidate != null && candidate.version().equals(e.version())) {
                if (!ReleaseEvent.SYSTEM.equals(e.actor())) {
                    candidate = candidate.paused(e.held(), e.meta().at());
                } else {
                    candidate = candidate.held(e.held() ? e.reason() : null);
                }
            }
        }
        Set<String> handled = new LinkedHashSet<>(state.handled());
        remember(handled, event.meta().causationId());
        remember(handled, verdictOf(event));
        while (handled.size() > policy.verdictMemory()) {
            handled.remove(handled.iterator().next());
        }
        return new Release(state.model(), state.revision() + 1, settled, stable, candidate, predecessors, uris, handled,
                event.meta().at(), event.reason(), event.meta().eventId(), state.lastVerdict());
    }

    private static String verdictOf(ReleaseEvent event) {
        if (event instanceof Shifted e) {
            return e.verdictEventId();
        }
        if (event instanceof Promoted e) {
            return e.verdictEventId();
        }
        return event instanceof RolledBack e ? e.verdictEventId() : null;
    }

    private static void remember(Set<String> handled, String id) {
        if (id != null) {
            handled.remove(id);
            handled.add(id);
        }
    }
}
