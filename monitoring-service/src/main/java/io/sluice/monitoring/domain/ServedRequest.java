package io.sluice.monitoring.domain;

import java.util.Map;

/**
 * One served request as the aggregation counts it.
 *
 * @param kind             whose outcome it was: only {@link Kind#SERVER_ERROR} counts against the version
 * @param latencyMs        time to answer, milliseconds (values ≤ 0 are not recorded)
 * @param stratum          the kind of work ({@link Strata#of}), so that latency and errors are compared like with like
 * @param predictedClass   the answer, or null
 * @param confidence       probability of the answer (0..1), NaN when absent
 * @param inputStats       cheap input summary, may be empty, never null
 * @param inputsFlagged    the inputs were served but are kept out of drift statistics (e.g. out of range)
 * @param agreesWithStable shadow answers only: whether the shadow predicted what the answering version did; null otherwise
 * @param atMillis         event time, epoch milliseconds (0 when unknown)
 */
public record ServedRequest(Kind kind, double latencyMs, String stratum, String predictedClass, double confidence,
                            Map<String, Double> inputStats, boolean inputsFlagged, Boolean agreesWithStable, long atMillis) {

    /** Whose outcome a request was. */
    public enum Kind {
        /** Answered. */
        OK,
        /** The model's or server's failure: counts against the version. */
        SERVER_ERROR,
        /** Refused for capacity (queue full, shed, not ready): can hold a verdict, never degrade it. */
        CAPACITY,
        /** The caller's fault (malformed, oversized, non-finite input, auth): left out of every statistic. */
        CLIENT_ERROR
    }

    /** An answered (or failed, with {@code error}) request of the default stratum, without shadow or time information. */
    public static ServedRequest of(boolean error, double latencyMs, String predictedClass, double confidence,
                                   Map<String, Double> inputStats) {
        return new ServedRequest(error ? Kind.SERVER_ERROR : Kind.OK, latencyMs, Strata.DEFAULT, predictedClass, confidence,
                inputStats, false, null, 0);
    }
}
