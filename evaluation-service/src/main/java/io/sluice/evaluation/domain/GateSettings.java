package io.sluice.evaluation.domain;

/**
 * Thresholds of the release gates for one model name.
 *
 * @param minAccuracy           lowest test-split accuracy that can be approved (0..1)
 * @param maxLoss               highest test-split mean cross-entropy that can be approved
 * @param maxOverfitGap         largest train − validation accuracy gap of the kept epoch (0..1)
 * @param stabilityEpochs       how many of the last epochs the validation accuracy must be stable over (>= 2)
 * @param maxValidationSwing    largest max − min validation accuracy over those epochs (0..1)
 * @param championMargin        largest test accuracy drop against the champion that is tolerated (0..1)
 * @param championSignificance  significance level of the one-sided McNemar test "challenger worse than champion" (0..1)
 */
public record GateSettings(double minAccuracy, double maxLoss, double maxOverfitGap, int stabilityEpochs,
                           double maxValidationSwing, double championMargin, double championSignificance) {

    /** The seeds' defaults: accuracy >= 0.95, loss <= 0.1, gap <= 0.1, swing <= 0.05 over 3 epochs, margin 0.01, alpha 0.05. */
    public static final GateSettings DEFAULTS = new GateSettings(0.95, 0.1, 0.1, 3, 0.05, 0.01, 0.05);

    public GateSettings {
        if (stabilityEpochs < 2) {
            throw new IllegalArgumentException("stabilityEpochs must be at least 2, was " + stabilityEpochs);
        }
    }
}
