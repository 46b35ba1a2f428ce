package io.sluice.monitoring.domain;

/**
 * Thresholds of the drift checks.
 *
 * @param minSamples        fewest live requests (with unflagged inputs) before input and prediction drift are judged
 * @param inputShift        robust standardised shift (|live median - training mean| / training std) above which an input may have drifted
 * @param psiThreshold      PSI above which a distribution drifted: live predicted classes against training class shares, and
 *                          an input's live values in bins of the training distribution (tails clipped into the outer bins)
 * @param minLabels         fewest feedback labels before accuracy is judged
 * @param accuracyFloor     accuracy floor used when the reference has no approval level (0..1)
 * @param accuracyTolerance how far below the approval level live accuracy may fall (absolute)
 * @param minSpanMillis     the live traffic judged must span at least this long (first to last request, ms): a burst of
 *                          requests within seconds never makes a drift
 */
public record DriftPolicy(long minSamples, double inputShift, double psiThreshold, long minLabels, double accuracyFloor,
                          double accuracyTolerance, long minSpanMillis) {

    /** The defaults documented in the README. */
    public static DriftPolicy defaults() {
        return new DriftPolicy(200, 0.5, 0.25, 50, 0.8, 0.02, 120_000);
    }
}
