package io.sluice.monitoring.domain;

/**
 * Thresholds of the drift checks.
 *
 * @param minSamples        fewest live requests before input and prediction drift are judged
 * @param inputShift        standardised mean shift (|live mean - training mean| / training std) above which an input drifted
 * @param psiThreshold      PSI of live predicted classes against training class shares above which predictions drifted
 * @param minLabels         fewest feedback labels before accuracy is judged
 * @param accuracyFloor     accuracy floor used when the reference has no approval level (0..1)
 * @param accuracyTolerance how far below the approval level live accuracy may fall (absolute)
 */
public record DriftPolicy(long minSamples, double inputShift, double psiThreshold, long minLabels, double accuracyFloor,
                          double accuracyTolerance) {

    /** The defaults documented in the README. */
    public static DriftPolicy defaults() {
        return new DriftPolicy(200, 0.5, 0.25, 50, 0.8, 0.02);
    }
}
