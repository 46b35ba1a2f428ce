package io.sluice.monitoring.domain;

import java.time.Instant;

/**
 * What the routing table says about one model: which version is stable, which (if any) is the
 * canary, and since when the current release step runs.
 *
 * @param model          model name
 * @param revision       routing-table revision
 * @param stableVersion  version with role STABLE, null when none
 * @param stableModelUri prefix of the stable version in the models bucket, null when none
 * @param canaryVersion  version with role CANARY and a weight above 0, null when none
 * @param stepIndex      current release step (-1 outside a release)
 * @param stepStart      when the routing table last changed (the start of the current step)
 * @param correlationId  the pipeline run of the routing-table entry (verdicts keep it)
 * @param causeEventId   event id of the routing-table entry (verdicts are caused by it)
 */
public record Release(String model, long revision, String stableVersion, String stableModelUri, String canaryVersion,
                      int stepIndex, Instant stepStart, String correlationId, String causeEventId) {

    /** True when a canary serves beside a stable version. */
    public boolean hasCanary() {
        return canaryVersion != null && stableVersion != null;
    }

    /** Identifies one analysis: the same canary at the same step since the same change. */
    public String stepKey() {
        return stepKey(canaryVersion, stepIndex, stepStart);
    }

    /** The step key of a verdict seen on the topic: its canary version, step and window start (= the step start). */
    public static String stepKey(String canaryVersion, int stepIndex, Instant stepStart) {
        return canaryVersion + "#" + stepIndex + "@" + stepStart.toEpochMilli();
    }
}
