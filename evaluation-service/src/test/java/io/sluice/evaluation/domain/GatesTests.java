package io.sluice.evaluation.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The release gates: each reports value, threshold and comparator, and a rejection names every failed gate. */
class GatesTests {

    private static final List<String> CLASSES = List.of("a", "b");
    private static final TrainingSummary STEADY = new TrainingSummary(0.99, 0.98, List.of(0.90, 0.97, 0.98, 0.98));

    /** n samples alternating a/b; the first {@code wrong} are misclassified; the true class gets probability p. */
    private static ScoredSamples scores(int n, int wrong, double p) {
        int[] actual = new int[n];
        int[] predicted = new int[n];
        double[][] probabilities = new double[n][];
        for (int i = 0; i < n; i++) {
            actual[i] = i % 2;
            predicted[i] = i < wrong ? 1 - actual[i] : actual[i];
            double trueP = i < wrong ? 1 - p : p;
            probabilities[i] = actual[i] == 0 ? new double[] {trueP, 1 - trueP} : new double[] {1 - trueP, trueP};
        }
        return new ScoredSamples(CLASSES, actual, predicted, probabilities);
    }

    private static GateResult gate(Verdict verdict, String name) {
        return verdict.gates().stream().filter(g -> g.gate().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void approvesAnAccurateConfidentStableModelWithoutChampion() {
        Verdict verdict = Gates.decide(GateSettings.DEFAULTS, scores(100, 1, 0.99), STEADY, null, null);

        assertThat(verdict.approved()).isTrue();
        assertThat(verdict.reasons()).isEmpty();
        assertThat(verdict.champion()).isNull();
        assertThat(verdict.gates()).extracting(GateResult::gate)
                .containsExactly("min-accuracy", "max-loss", "max-overfit-gap", "validation-stability");
        GateResult accuracy = gate(verdict, "min-accuracy");
        assertThat(accuracy.value()).isCloseTo(0.99, within(1e-12));
        assertThat(accuracy.threshold()).isEqualTo(0.95);
        assertThat(accuracy.comparator()).isEqualTo(">=");
        assertThat(gate(verdict, "max-loss").comparator()).isEqualTo("<=");
    }

    @Test
    void rejectsAWeakModelNamingEveryFailedGate() {
        TrainingSummary overfitAndShaky = new TrainingSummary(1.0, 0.7, List.of(0.5, 0.8, 0.6, 0.7));

        Verdict verdict = Gates.decide(GateSettings.DEFAULTS, scores(100, 30, 0.6), overfitAndShaky, null, null);

        assertThat(verdict.approved()).isFalse();
        assertThat(verdict.gates()).allMatch(g -> !g.passed());
        assertThat(verdict.reasons()).hasSize(4);
        assertThat(String.join("\n", verdict.reasons())).contains("min-accuracy", "max-loss", "max-overfit-gap", "validation-stability");
        assertThat(gate(verdict, "max-overfit-gap").value()).isCloseTo(0.3, within(1e-12));
        // last three epochs 0.8, 0.6, 0.7
        assertThat(gate(verdict, "validation-stability").value()).isCloseTo(0.2, within(1e-12));
    }

    @Test
    void rejectsOnlyTheGateThatFails() {
        GateSettings strictLoss = new GateSettings(0.95, 0.001, 0.1, 3, 0.05, 0.01, 0.05);

        Verdict verdict = Gates.decide(strictLoss, scores(100, 1, 0.99), STEADY, null, null);

        assertThat(verdict.approved()).isFalse();
        assertThat(verdict.reasons()).singleElement().asString().startsWith("max-loss:");
    }

    @Test
    void judgesStabilityOverTheEpochsThatRanWhenFewerThanConfigured() {
        GateResult one = Gates.stability(GateSettings.DEFAULTS, List.of(0.9));
        GateResult two = Gates.stability(GateSettings.DEFAULTS, List.of(0.9, 0.8));

        assertThat(one.value()).isZero();
        assertThat(one.passed()).isTrue();
        assertThat(two.value()).isCloseTo(0.1, within(1e-12));
        assertThat(two.passed()).isFalse();
    }

    @Test
    void rejectsAChallengerClearlyWorseThanTheChampion() {
        ScoredSamples champion = scores(400, 0, 0.99);
        ScoredSamples challenger = scores(400, 20, 0.99);
        GateSettings lenient = new GateSettings(0.9, 1, 0.1, 3, 0.05, 0.01, 0.05);

        Verdict verdict = Gates.decide(lenient, challenger, STEADY, "v1", champion);

        assertThat(verdict.approved()).isFalse();
        assertThat(verdict.champion().championVersion()).isEqualTo("v1");
        assertThat(verdict.champion().championAccuracy()).isEqualTo(1.0);
        assertThat(verdict.champion().challengerAccuracy()).isCloseTo(0.95, within(1e-12));
        assertThat(verdict.champion().mcnemar().onlyFirstCorrect()).isEqualTo(20);
        assertThat(verdict.champion().mcnemar().onlySecondCorrect()).isZero();
        assertThat(verdict.champion().challengerNotWorse()).isFalse();
        assertThat(verdict.reasons()).hasSize(2).anyMatch(r -> r.startsWith("champion-margin:")).anyMatch(r -> r.startsWith("champion-significance:"));
        assertThat(gate(verdict, "champion-margin").value()).isCloseTo(0.05, within(1e-12));
    }

    @Test
    void toleratesADropWithinTheMarginThatIsNotSignificant() {
        ScoredSamples champion = scores(400, 0, 0.99);
        ScoredSamples challenger = scores(400, 2, 0.99);
        GateSettings lenient = new GateSettings(0.9, 1, 0.1, 3, 0.05, 0.01, 0.05);

        Verdict verdict = Gates.decide(lenient, challenger, STEADY, "v1", champion);

        assertThat(verdict.approved()).isTrue();
        assertThat(verdict.champion().challengerNotWorse()).isTrue();
        // exact: P(X >= 2 | n = 2) = 1/4
        assertThat(gate(verdict, "champion-significance").value()).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void rejectsASignificantDropEvenWithinAGenerousMargin() {
        ScoredSamples champion = scores(1000, 0, 0.99);
        ScoredSamples challenger = scores(1000, 15, 0.99);
        GateSettings wideMargin = new GateSettings(0.9, 1, 0.1, 3, 0.05, 0.05, 0.05);

        Verdict verdict = Gates.decide(wideMargin, challenger, STEADY, "v1", champion);

        assertThat(gate(verdict, "champion-margin").passed()).isTrue();
        assertThat(gate(verdict, "champion-significance").passed()).isFalse();
        assertThat(verdict.approved()).isFalse();
    }
}
