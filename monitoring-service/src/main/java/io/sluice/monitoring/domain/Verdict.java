package io.sluice.monitoring.domain;

import java.util.List;
import java.util.Map;

/**
 * The judgement of a canary (or shadow, or production version) against its baseline over one range.
 *
 * @param outcome         HEALTHY, DEGRADED or INCONCLUSIVE
 * @param checks          every metric check, in a fixed order
 * @param reason          one human sentence, ending with what was left out of the analysis
 * @param canaryRequests  candidate requests analysed
 * @param stableRequests  baseline requests analysed
 * @param excluded        requests of both sides left out, by reason ({@link #CLIENT_ERROR}, {@link #CAPACITY},
 *                        {@link #BEFORE_STEP}, {@link #FLAGGED_INPUT}); a reason with none is absent
 */
public record Verdict(Outcome outcome, List<Check> checks, String reason, long canaryRequests, long stableRequests,
                      Map<String, Long> excluded) {

    /** Left out: the caller's fault. */
    public static final String CLIENT_ERROR = "client-error";
    /** Left out: refused for capacity (can hold a verdict, never degrade it). */
    public static final String CAPACITY = "capacity";
    /** Left out: served under a routing revision older than the step's. */
    public static final String BEFORE_STEP = "before-step";
    /** Left out of the input statistics: flagged inputs. */
    public static final String FLAGGED_INPUT = "flagged-input";

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
        excluded = Map.copyOf(excluded);
    }

    public Verdict(Outcome outcome, List<Check> checks, String reason, long canaryRequests, long stableRequests) {
        this(outcome, checks, reason, canaryRequests, stableRequests, Map.of());
    }
}
