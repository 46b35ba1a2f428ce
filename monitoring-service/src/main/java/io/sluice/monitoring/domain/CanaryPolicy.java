package io.sluice.monitoring.domain;

/**
 * Thresholds of the canary analysis. Error rate and latency are judged relative to stable by
 * sequential probability ratio tests, with absolute ceilings as a safety net; confidence and
 * accuracy by always-valid confidence sequences; the predicted-class mix by PSI.
 *
 * @param minSamples              fewest requests on each side before any verdict but INCONCLUSIVE
 * @param alpha                   false-alarm probability of each sequential test (per analysis)
 * @param beta                    miss probability of each sequential test at its design effect
 * @param errorRateTolerance      increase over stable's error rate that is still fine (absolute, e.g. 0.005)
 * @param errorRateDegradation    increase over stable's error rate the test is designed to catch (absolute, &gt; tolerance)
 * @param errorRateCeiling        error rate never tolerated, whatever stable does
 * @param latencyTailTolerance    share of canary requests above stable's quantile that is still fine, as a multiple of the tail (1.5: 1.5 % above stable's p99)
 * @param latencyTailDegradation  same share the test is designed to catch (&gt; tolerance; 4: 4 % above stable's p99)
 * @param latencyCeilingMs        latency quantile never tolerated, whatever stable does (ms)
 * @param confidenceTolerance     drop of mean confidence below stable that is still fine (absolute)
 * @param accuracyTolerance       drop of feedback accuracy below stable that is still fine (absolute)
 * @param minLabels               fewest feedback labels on each side before accuracy is judged
 * @param psiThreshold            prediction-distribution PSI above which the canary fails
 */
public record CanaryPolicy(long minSamples, double alpha, double beta,
                           double errorRateTolerance, double errorRateDegradation, double errorRateCeiling,
                           double latencyTailTolerance, double latencyTailDegradation, double latencyCeilingMs,
                           double confidenceTolerance, double accuracyTolerance, long minLabels, double psiThreshold) {

    public CanaryPolicy {
        if (minSamples < 1) {
            throw new IllegalArgumentException("minSamples must be positive");
        }
        if (!(errorRateDegradation > errorRateTolerance && errorRateTolerance >= 0)) {
            throw new IllegalArgumentException("need 0 <= errorRateTolerance < errorRateDegradation");
        }
        if (!(latencyTailDegradation > latencyTailTolerance && latencyTailTolerance >= 1)) {
            throw new IllegalArgumentException("need 1 <= latencyTailTolerance < latencyTailDegradation");
        }
    }

    /** The defaults documented in the README. */
    public static CanaryPolicy defaults() {
        return new CanaryPolicy(100, 0.005, 0.05, 0.005, 0.03, 0.10, 1.5, 4.0, 2000, 0.05, 0.05, 100, 0.25);
    }

    /** The same policy with another minimum sample size. */
    public CanaryPolicy withMinSamples(long min) {
        return new CanaryPolicy(min, alpha, beta, errorRateTolerance, errorRateDegradation, errorRateCeiling,
                latencyTailTolerance, latencyTailDegradation, latencyCeilingMs, confidenceTolerance, accuracyTolerance,
                minLabels, psiThreshold);
    }
}
