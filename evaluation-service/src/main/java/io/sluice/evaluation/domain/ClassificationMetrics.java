package io.sluice.evaluation.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * Scores of one model on a test split, by the standard definitions (they agree with scikit-learn's
 * {@code accuracy_score}, {@code precision_recall_fscore_support}, {@code matthews_corrcoef} and
 * {@code log_loss} with its default labels).
 * <p>
 * The 0/0 convention: a quotient with a zero denominator is 0, as scikit-learn's
 * {@code zero_division=0} — precision of a never-predicted class, recall of a class absent from the
 * test labels, F1 when precision and recall are both 0, MCC when either marginal is constant.
 * Macro averages run over the classes that occur in the test labels <em>or</em> in the predictions
 * (scikit-learn's default label set); a class of the class list that neither occurs nor is predicted
 * is listed with zeros and support 0 but does not dilute the averages.
 *
 * @param testSamples     samples scored
 * @param accuracy        correct / samples
 * @param macroPrecision  unweighted mean of per-class precision over the averaged classes
 * @param macroRecall     unweighted mean of per-class recall over the averaged classes
 * @param macroF1         unweighted mean of per-class F1 over the averaged classes
 * @param mcc             multi-class Matthews correlation coefficient (Gorodkin's R_K), in [-1, 1]
 * @param loss            mean cross-entropy, natural log, probabilities clipped to [{@value #EPSILON}, 1]
 * @param perClass        one entry per class, in class-list order
 * @param classNames      row and column order of the confusion matrix
 * @param confusionMatrix {@code confusionMatrix[true][predicted]} sample counts
 */
public record ClassificationMetrics(long testSamples, double accuracy, double macroPrecision, double macroRecall,
                                    double macroF1, double mcc, double loss, List<ClassMetrics> perClass,
                                    List<String> classNames, long[][] confusionMatrix) {

    /** Smallest probability the loss takes the log of, so one confident mistake costs ~34.5, not infinity. */
    public static final double EPSILON = 1e-15;

    /** Computes every metric; throws when there are no samples (nothing can be judged). */
    public static ClassificationMetrics of(ScoredSamples scores) {
        int n = scores.size();
        if (n == 0) {
            throw new IllegalArgumentException("the test split is empty: no sample to score the model on");
        }
        int k = scores.classNames().size();
        long[][] matrix = new long[k][k];
        double lossSum = 0;
        for (int i = 0; i < n; i++) {
            matrix[scores.actual()[i]][scores.predicted()[i]]++;
            double p = scores.probabilities()[i][scores.actual()[i]];
            lossSum += -Math.log(Math.min(1.0, Math.max(EPSILON, Double.isNaN(p) ? 0 : p)));
        }
        long[] trueCounts = new long[k];
        long[] predictedCounts = new long[k];
        long correct = 0;
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) {
                trueCounts[t] += matrix[t][p];
                predictedCounts[p] += matrix[t][p];
            }
            correct += matrix[t][t];
        }
        List<ClassMetrics> perClass = new ArrayList<>(k);
        double precisionSum = 0;
        double recallSum = 0;
        double f1Sum = 0;
        int averaged = 0;
        for (int c = 0; c < k; c++) {
            long tp = matrix[c][c];
            double precision = ratio(tp, predictedCounts[c]);
            double recall = ratio(tp, trueCounts[c]);
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass.add(new ClassMetrics(scores.classNames().get(c), precision, recall, f1, trueCounts[c]));
            if (trueCounts[c] > 0 || predictedCounts[c] > 0) {
                precisionSum += precision;
                recallSum += recall;
                f1Sum += f1;
                averaged++;
            }
        }
        return new ClassificationMetrics(n, (double) correct / n, precisionSum / averaged, recallSum / averaged, f1Sum / averaged,
                mcc(correct, n, trueCounts, predictedCounts), lossSum / n, List.copyOf(perClass), scores.classNames(), matrix);
    }

    /** R_K = (c·s − Σ p_k t_k) / sqrt((s² − Σ p_k²)(s² − Σ t_k²)); 0 when the denominator is 0. */
    static double mcc(long correct, long samples, long[] trueCounts, long[] predictedCounts) {
        double c = correct;
        double s = samples;
        double pt = 0;
        double pp = 0;
        double tt = 0;
        for (int i = 0; i < trueCounts.length; i++) {
            pt += (double) predictedCounts[i] * trueCounts[i];
            pp += (double) predictedCounts[i] * predictedCounts[i];
            tt += (double) trueCounts[i] * trueCounts[i];
        }
        double denominator = Math.sqrt(s * s - pp) * Math.sqrt(s * s - tt);
        return denominator == 0 ? 0 : (c * s - pt) / denominator;
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0 : (double) numerator / denominator;
    }

    /** Test samples the model classified correctly. */
    public long correct() {
        long correct = 0;
        for (int c = 0; c < confusionMatrix.length; c++) {
            correct += confusionMatrix[c][c];
        }
        return correct;
    }
}
