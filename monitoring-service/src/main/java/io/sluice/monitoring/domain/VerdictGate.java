package io.sluice.monitoring.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Decides which verdicts go out: the first HEALTHY or DEGRADED of a release step, once, and an
 * INCONCLUSIVE every {@code inconclusiveEvery} while the step stays undecided (the first one only
 * after the step has run that long, so a step that decides quickly sends no noise). A step closes
 * only once its verdict was sent ({@link #published}), never on the decision to send.
 */
public final class VerdictGate {

    private final Duration inconclusiveEvery;
    private final ConcurrentMap<String, State> byModel = new ConcurrentHashMap<>();

    private record State(String stepKey, boolean decided, Instant lastSent) {}

    public VerdictGate(Duration inconclusiveEvery) {
        this.inconclusiveEvery = inconclusiveEvery;
    }

    /**
     * True if the verdict for this release step should be published now. Nothing is recorded: the
     * caller sends the verdict and then calls {@link #published}, so a failed send leaves the step
     * open and the next analysis sends again.
     */
    public boolean due(Release release, Verdict.Outcome outcome, Instant now) {
        State state = current(release);
        if (state.decided()) {
            return false;
        }
        return outcome != Verdict.Outcome.INCONCLUSIVE || !now.isBefore(state.lastSent().plus(inconclusiveEvery));
    }

    /** Records a verdict the broker acknowledged: a final one closes the step, an inconclusive one restarts the repeat period. */
    public void published(Release release, Verdict.Outcome outcome, Instant now) {
        byModel.compute(release.model(), (model, state) -> {
            if (state == null || !state.stepKey().equals(release.stepKey())) {
                state = new State(release.stepKey(), false, release.stepStart());
            }
            return state.decided() ? state : new State(state.stepKey(), outcome != Verdict.Outcome.INCONCLUSIVE, now);
        });
    }

    private State current(Release release) {
        State state = byModel.get(release.model());
        return state == null || !state.stepKey().equals(release.stepKey()) ? new State(release.stepKey(), false, release.stepStart())
                : state;
    }

    /**
     * Records a verdict seen on the topic (replayed after a restart, or published by another
     * instance): a final one closes its step, an inconclusive one restarts the repeat period. A
     * verdict older than what is known of a different step is ignored.
     */
    public void observed(String model, String stepKey, boolean decided, Instant at) {
        byModel.compute(model, (m, state) -> {
            if (state == null) {
                return new State(stepKey, decided, at);
            }
            if (state.stepKey().equals(stepKey)) {
                return state.decided() ? state : new State(stepKey, decided, at.isAfter(state.lastSent()) ? at : state.lastSent());
            }
            return at.isBefore(state.lastSent()) ? state : new State(stepKey, decided, at);
        });
    }

    /** True once the step of this release has a final verdict (no more analysis needed). */
    public boolean decided(Release release) {
        State state = byModel.get(release.model());
        return state != null && state.decided() && state.stepKey().equals(release.stepKey());
    }
}
