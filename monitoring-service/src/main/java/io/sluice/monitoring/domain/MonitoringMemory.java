package io.sluice.monitoring.domain;

import java.time.Duration;

/**
 * What the service must not forget across a restart, rebuilt from the events it and the
 * deployment-service published: which canary step already has its final verdict, which promotion
 * already has its production verdict, the drift and retraining cooldowns, and the latest promotion
 * of every model.
 */
public final class MonitoringMemory {

    private final VerdictGate canaries;
    private final VerdictGate production;
    private final RetrainingCooldown retrainings;
    private final RetrainingCooldown drifts;
    private final Promotions promotions = new Promotions();

    /**
     * @param inconclusiveEvery how often an undecided canary step repeats its inconclusive verdict
     * @param retrainCooldown   at most one retraining request per model, and one drift event per kind, within this period
     */
    public MonitoringMemory(Duration inconclusiveEvery, Duration retrainCooldown) {
        this.canaries = new VerdictGate(inconclusiveEvery);
        // a production check publishes only a degraded verdict: inconclusive ones never go out
        this.production = new VerdictGate(Duration.ofDays(365_000));
        this.retrainings = new RetrainingCooldown(retrainCooldown);
        this.drifts = new RetrainingCooldown(retrainCooldown);
    }

    /** Verdicts of canary release steps. */
    public VerdictGate canaries() {
        return canaries;
    }

    /** Verdicts of production checks after a promotion (step -1). */
    public VerdictGate production() {
        return production;
    }

    /** RetrainingRequested per model. */
    public RetrainingCooldown retrainings() {
        return retrainings;
    }

    /** DriftDetected per model, version and kind. */
    public RetrainingCooldown drifts() {
        return drifts;
    }

    /** The latest promotion per model. */
    public Promotions promotions() {
        return promotions;
    }

    /** The cooldown key of a drift kind of a production version. */
    public static String driftKey(String model, String version, String kind) {
        return model + "#" + version + "#" + kind;
    }
}
