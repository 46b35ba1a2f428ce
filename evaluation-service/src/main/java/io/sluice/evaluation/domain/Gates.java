package io.sluice.evaluation.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * Applies the release gates to a scored challenger and, when production serves a model, to the
 * comparison with that champion on the same test split. Approves only when every gate passes.
 */
public final class Gates {

    private Gates() {}

    /**
     * Decides on a challenger.
     *
     * @param settings        thresholds for this model name
     * @param challenger      the challenger's answers on the test split
     * @param training        what training reported
     * @param championVersion version of the production model, or null when none serves
     * @param champion        the champion's answers on the same samples, or null when none serves
     */
    public static Verdict decide(GateSettings settings, ScoredSamples challenger, TrainingSummary training, String championVersion,
                                 ScoredSamples champion) {
        ClassificationMetrics metrics = ClassificationMetrics.of(challenger);
        List<GateResult> gates = new ArrayList<>();
        gates.add(GateResult.atLeast("min-accuracy", metrics.accuracy(), settings.minAccuracy(), "test accuracy"));
        gates.add(GateResult.atMost("max-loss", metrics.loss(), settings.maxLoss(), "test cross-entropy loss"));
        gates.add(GateResult.atMost("max-overfit-gap", training.bestTrainAccuracy() - training.bestValidationAccuracy(),
                settings.maxOverfitGap(), "train − validation accuracy gap of the kept epoch"));
        gates.add(stability(settings, training.validationAccuracies()));
        ChampionComparison comparison = null;
        if (champion != null) {
            ClassificationMetrics championMetrics = ClassificationMetrics.of(champion);
            McNemar test = McNemar.test(champion, challenger);
            double drop = championMetrics.accuracy() - metrics.accuracy();
            GateResult margin = GateResult.atMost("champion-margin", drop, settings.championMargin(),
                    "accuracy drop against champion " + championVersion + " (" + GateResult.format(championMetrics.accuracy()) + " → "
                            + GateResult.format(metrics.accuracy()) + ")");
            boolean notSignificantlyWorse = test.pSecondWorse() >= settings.championSignificance();
            GateResult significance = new GateResult("champion-significance", test.pSecondWorse(), settings.championSignificance(), ">=",
                    notSignificantlyWorse, "McNemar " + (test.exact() ? "exact binomial" : "chi-square (continuity-corrected)")
                    + " test against champion " + championVersion + ": only champion correct " + test.onlyFirstCorrect()
                    + ", only challenger correct " + test.onlySecondCorrect() + ", one-sided p " + String.format(java.util.Locale.ROOT, "%.3g", test.pSecondWorse())
                    + (notSignificantlyWorse ? " — not significantly worse" : " — significantly worse")
                    + " at level " + GateResult.format(settings.championSignificance()));
            gates.add(margin);
            gates.add(significance);
            comparison = new ChampionComparison(championVersion, championMetrics.accuracy(), metrics.accuracy(), settings.championMargin(),
                    test, margin.passed() && significance.passed());
        }
        List<String> reasons = gates.stream().filter(g -> !g.passed()).map(g -> g.gate() + ": " + g.detail()).toList();
        return new Verdict(reasons.isEmpty(), metrics, gates, comparison, reasons);
    }

    /** max − min validation accuracy over the last {@code stabilityEpochs} epochs (fewer when fewer ran; 0 for one epoch). */
    static GateResult stability(GateSettings settings, List<Double> validation) {
        int from = Math.max(0, validation.size() - settings.stabilityEpochs());
        List<Double> last = validation.subList(from, validation.size());
        double swing = last.isEmpty() ? 0
                : last.stream().mapToDouble(Double::doubleValue).max().orElse(0) - last.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        return GateResult.atMost("validation-stability", swing, settings.maxValidationSwing(),
                "validation accuracy swing over the last " + last.size() + " epochs");
    }
}
