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
 * @param shadowVersion  version with role SHADOW (mirrors traffic, answers nobody), null when none
 * @param stepIndex      current release step (-1 outside a release)
 * @param finalStep      the current step is the release's last (its healthy verdict promotes the candidate)
 * @param stepStart      when the routing table last changed (the start of the current step, at {@code revision})
 * @param correlationId  the pipeline run of the routing-table entry (verdicts keep it)
 * @param causeEventId   event id of the routing-table entry (verdicts are caused by it)
 */
public record Release(String model, long revision, String stableVersion, String stableModelUri, String canaryVersion,
                      String shadowVersion, int stepIndex, boolean finalStep, Instant stepStart, String correlationId, String causeEventId) {

    /** True when a canary serves beside a stable version. */
    public boolean hasCanary() {
        return canaryVersion != null && stableVersion != null;
    }

    /** True when a shadow mirrors the stable version's traffic (and no canary answers yet). */
    public boolean hasShadow() {
        return shadowVersion != null && stableVersion != null && canaryVersion == null;
    }

    /** True while a release is in flight: a canary or a shadow beside the stable version. */
    public boolean inFlight() {
        return hasCanary() || hasShadow();
    }

    /** The version under release: the canary, else the shadow; null when none. */
    public String candidateVersion() {
        return canaryVersion != null ? canaryVersion : shadowVersion;
    }

    /** Identifies one analysis: the same candidate at the same step since the same change. */
    public String stepKey() {
        return stepKey(candidateVersion(), stepIndex, stepStart);
    }

    /** The step key of a verdict seen on the topic: its canary version, step and window start (= the step start). */
    public static String stepKey(String canaryVersion, int stepIndex, Instant stepStart) {
        return canaryVersion + "#" + stepIndex + "@" + stepStart.toEpochMilli();
    }
}
