package io.sluice.evaluation.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Metrics against hand-computed cases, to 1e-9. */
class ClassificationMetricsTests {

    private static final double TOLERANCE = 1e-9;

    // classes: cat(0) dog(1) fox(2) owl(3) yak(4). fox is never predicted; owl is predicted but absent
    // from the labels; yak neither occurs nor is predicted.
    private static final List<String> CLASSES = List.of("cat", "dog", "fox", "owl", "yak");
    private static final int[] ACTUAL = {0, 0, 0, 1, 1, 2, 2, 2};
    private static final int[] PREDICTED = {0, 0, 1, 1, 0, 0, 0, 3};
    private static final double[] P_TRUE = {0.7, 0.6, 0.3, 0.5, 0.2, 0.1, 0.25, 0.05};

    private static ScoredSamples handCase() {
        double[][] probabilities = new double[ACTUAL.length][CLASSES.size()];
        for (int i = 0; i < ACTUAL.length; i++) {
            probabilities[i][ACTUAL[i]] = P_TRUE[i];
            int other = ACTUAL[i] == PREDICTED[i] ? (ACTUAL[i] + 1) % CLASSES.size() : PREDICTED[i];
            probabilities[i][other] = 1 - P_TRUE[i];
        }
        return new ScoredSamples(CLASSES, ACTUAL, PREDICTED, probabilities);
    }

    @Test
    void countsTheConfusionMatrixTrueByPredicted() {
        ClassificationMetrics metrics = ClassificationMetrics.of(handCase());

        assertThat(metrics.confusionMatrix()).isDeepEqualTo(new long[][] {
                {2, 1, 0, 0, 0},
                {1, 1, 0, 0, 0},
                {2, 0, 0, 1, 0},
                {0, 0, 0, 0, 0},
                {0, 0, 0, 0, 0}});
        assertThat(metrics.classNames()).isEqualTo(CLASSES);
        assertThat(metrics.testSamples()).isEqualTo(8);
    }

    @Test
    void computesAccuracyAndPerClassScoresWithZeroForZeroDenominators() {
        ClassificationMetrics metrics = ClassificationMetrics.of(handCase());

        assertThat(metrics.accuracy()).isCloseTo(3.0 / 8, within(TOLERANCE));
        ClassMetrics cat = metrics.perClass().get(0);
        assertThat(cat.precision()).isCloseTo(2.0 / 5, within(TOLERANCE));
        assertThat(cat.recall()).isCloseTo(2.0 / 3, within(TOLERANCE));
        assertThat(cat.f1()).isCloseTo(0.5, within(TOLERANCE));
        assertThat(cat.support()).isEqualTo(3);
        ClassMetrics dog = metrics.perClass().get(1);
        assertThat(dog.precision()).isCloseTo(0.5, within(TOLERANCE));
        assertThat(dog.recall()).isCloseTo(0.5, within(TOLERANCE));
        assertThat(dog.f1()).isCloseTo(0.5, within(TOLERANCE));
        ClassMetrics foxNeverPredicted = metrics.perClass().get(2);
        assertThat(foxNeverPredicted.precision()).isZero();
        assertThat(foxNeverPredicted.recall()).isZero();
        assertThat(foxNeverPredicted.f1()).isZero();
        assertThat(foxNeverPredicted.support()).isEqualTo(3);
        ClassMetrics owlAbsentFromLabels = metrics.perClass().get(3);
        assertThat(owlAbsentFromLabels.precision()).isZero();
        assertThat(owlAbsentFromLabels.recall()).isZero();
        assertThat(owlAbsentFromLabels.support()).isZero();
    }

    @Test
    void averagesOverClassesThatOccurInLabelsOrPredictions() {
        ClassificationMetrics metrics = ClassificationMetrics.of(handCase());

        // cat, dog, fox, owl are averaged; yak (neither a label nor a prediction) is not
        assertThat(metrics.macroPrecision()).isCloseTo((0.4 + 0.5 + 0 + 0) / 4, within(TOLERANCE));
        assertThat(metrics.macroRecall()).isCloseTo((2.0 / 3 + 0.5 + 0 + 0) / 4, within(TOLERANCE));
        assertThat(metrics.macroF1()).isCloseTo((0.5 + 0.5 + 0 + 0) / 4, within(TOLERANCE));
    }

    @Test
    void computesTheMultiClassMatthewsCorrelation() {
        // c = 3, s = 8, sum p_k t_k = 5*3 + 2*2 + 0*3 + 1*0 = 19, sum p_k^2 = 30, sum t_k^2 = 22
        assertThat(ClassificationMetrics.of(handCase()).mcc()).isCloseTo((3.0 * 8 - 19) / Math.sqrt((64 - 30) * (64 - 22)), within(TOLERANCE));
    }

    @Test
    void agreesWithTheBinaryMatthewsCorrelationOfScikitLearnsExample() {
        // matthews_corrcoef([+1, +1, +1, -1], [+1, -1, +1, +1]) = -0.333...
        ScoredSamples scores = new ScoredSamples(List.of("neg", "pos"), new int[] {1, 1, 1, 0}, new int[] {1, 0, 1, 1},
                new double[][] {{0, 1}, {1, 0}, {0, 1}, {0, 1}});

        assertThat(ClassificationMetrics.of(scores).mcc()).isCloseTo(-1.0 / 3, within(TOLERANCE));
    }

    @Test
    void givesZeroCorrelationWhenEverySampleGetsTheSameClass() {
        ScoredSamples scores = new ScoredSamples(List.of("a", "b"), new int[] {0, 1, 1}, new int[] {1, 1, 1},
                new double[][] {{0.5, 0.5}, {0.5, 0.5}, {0.5, 0.5}});

        ClassificationMetrics metrics = ClassificationMetrics.of(scores);

        assertThat(metrics.mcc()).isZero();
        assertThat(metrics.loss()).isCloseTo(Math.log(2), within(TOLERANCE));
    }

    @Test
    void computesMeanCrossEntropyInNats() {
        double product = 1;
        for (double p : P_TRUE) {
            product *= p;
        }

        assertThat(ClassificationMetrics.of(handCase()).loss()).isCloseTo(-Math.log(product) / 8, within(TOLERANCE));
    }

    @Test
    void clipsAZeroProbabilityOfTheTrueClassInsteadOfReturningInfinity() {
        ScoredSamples scores = new ScoredSamples(List.of("a", "b"), new int[] {0}, new int[] {1}, new double[][] {{0, 1}});

        assertThat(ClassificationMetrics.of(scores).loss()).isCloseTo(-Math.log(1e-15), within(TOLERANCE));
    }

    @Test
    void scoresAPerfectClassifierAsOne() {
        ScoredSamples scores = new ScoredSamples(List.of("a", "b", "c"), new int[] {0, 1, 2, 2}, new int[] {0, 1, 2, 2},
                new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0, 0, 1}});

        ClassificationMetrics metrics = ClassificationMetrics.of(scores);

        assertThat(metrics.accuracy()).isEqualTo(1.0);
        assertThat(metrics.macroF1()).isCloseTo(1.0, within(TOLERANCE));
        assertThat(metrics.mcc()).isCloseTo(1.0, within(TOLERANCE));
        assertThat(metrics.loss()).isCloseTo(0.0, within(TOLERANCE));
    }

    @Test
    void refusesAnEmptyTestSplit() {
        ScoredSamples empty = new ScoredSamples(List.of("a", "b"), new int[0], new int[0], new double[0][]);

        assertThatThrownBy(() -> ClassificationMetrics.of(empty)).hasMessageContaining("test split is empty");
    }
}
