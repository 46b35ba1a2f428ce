package io.sluice.monitoring.bench;

import io.sluice.monitoring.domain.VersionStats;

/**
 * The analysis of Flagger and Argo Rollouts as documented: every {@code intervalSeconds} the
 * canary's own metrics over the last interval are held to absolute limits — 5xx share (server
 * errors and capacity refusals; a caller's 4xx is a success), p99 latency of what it answered, and a
 * custom accuracy metric on feedback labels — and the canary is rolled back when more than
 * {@code failureLimit} intervals failed (never reset during the release). Flagger's {@code threshold}
 * (5) is {@code failureLimit} 4; Argo's {@code failureLimit} defaults to 0 (the first failed
 * measurement aborts). The stable version is not looked at.
 *
 * @param name            for the report
 * @param intervalSeconds analysis interval (Flagger default 1m; Argo's is the template's {@code interval})
 * @param maxFiveXx       highest tolerated 5xx share
 * @param maxP99Ms        highest tolerated p99 latency
 * @param minAccuracy     lowest tolerated accuracy on feedback labels (skipped below 20 labels)
 * @param failureLimit    failed intervals tolerated; one more rolls back
 */
record ThresholdRule(String name, int intervalSeconds, double maxFiveXx, double maxP99Ms, double minAccuracy, int failureLimit) {

    /** Flagger's documented defaults ({@code request-success-rate} ≥ 99 %, {@code request-duration} ≤ 500 ms, threshold 5) at level k. */
    static ThresholdRule flagger(int k) {
        return new ThresholdRule("flagger", 60, 0.01 + 0.005 * k, 500 * (1 + 0.25 * k), 0.86 - 0.01 * k, 4);
    }

    /** Argo Rollouts with its default {@code failureLimit} 0, measuring every minute, at level k. */
    static ThresholdRule argo(int k) {
        return new ThresholdRule("argo", 60, 0.01 + 0.005 * k, 500 * (1 + 0.25 * k), 0.86 - 0.01 * k, 0);
    }

    /** Whether one interval's canary metrics fail. */
    boolean fails(VersionStats interval) {
        long all = interval.requests() + interval.capacityRefusals() + interval.clientErrors();
        if (all == 0) {
            return false; // no data: Flagger skips the check
        }
        double fiveXx = (double) (interval.errors() + interval.capacityRefusals()) / all;
        boolean accuracyFails = interval.labelled() >= 20 && interval.accuracy() < minAccuracy;
        return fiveXx > maxFiveXx || interval.latencyQuantile(0.99) > maxP99Ms || accuracyFails;
    }

    String settings() {
        return String.format(java.util.Locale.ROOT, "%s: 5xx <= %.1f%%, p99 <= %.0f ms, accuracy >= %.2f, every %d s, rollback after %d failed",
                name, 100 * maxFiveXx, maxP99Ms, minAccuracy, intervalSeconds, failureLimit + 1);
    }
}
