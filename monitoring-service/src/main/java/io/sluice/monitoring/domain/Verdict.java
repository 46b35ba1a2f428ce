package io.sluice.monitoring.domain;

import java.util.List;

/**
 * The judgement of a canary against stable over one time range.
 *
 * @param outcome         HEALTHY, DEGRADED or INCONCLUSIVE
 * @param checks          every metric check, in a fixed order
 * @param reason          one human sentence
 * @param canaryRequests  canary requests analysed
 * @param stableRequests  stable requests analysed
 */
public record Verdict(Outcome outcome, List<Check> checks, String reason, long canaryRequests, long stableRequests) {

    /** What the release should do. */
    public enum Outcome {
        /** Not worse than stable: the release may go on. */
        HEALTHY,
        /** Worse than stable: roll back. */
        DEGRADED,
        /** Too little evidence yet: hold. */
        INCONCLUSIVE
    }

    public Verdict {
        checks = List.copyOf(checks);
    }
}
