package io.sluice.monitoring.bench;

import io.sluice.monitoring.domain.VersionStats;

/**
 * The analysis of Flagger (and, alike, Argo Rollouts) as documented: every {@code interval} the
 * canary's own metrics over the last interval are held to absolute thresholds
 * ({@code request-success-rate} ≥ 99 %, {@code request-duration} p99 ≤ 500 ms); each failing
 * check adds one to a counter that is never reset during the release, and the canary is rolled back
 * when it reaches {@code threshold} (5). The stable version is not looked at.
 *
 * @param intervalSeconds   analysis interval (Flagger default 1m)
 * @param maxErrorRate      highest tolerated error rate (1 - request-success-rate min 99)
 * @param maxP99Ms          request-duration max (500 ms)
 * @param threshold         failed checks before rollback (Flagger's {@code threshold}, 5 in its examples)
 */
record FlaggerRule(int intervalSeconds, double maxErrorRate, double maxP99Ms, int threshold) {

    static FlaggerRule documentedDefaults() {
        return new FlaggerRule(60, 0.01, 500, 5);
    }

    /** Whether one interval's canary metrics fail the check. */
    boolean fails(VersionStats lastInterval) {
        if (lastInterval.requests() == 0) {
            return false; // Flagger skips (or, with no data, may even pass) an interval without traffic
        }
        return lastInterval.errorRate() > maxErrorRate || lastInterval.latencyQuantile(0.99) > maxP99Ms;
    }
}
