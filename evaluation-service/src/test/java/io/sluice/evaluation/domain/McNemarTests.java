package io.sluice.evaluation.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

/** McNemar's test and the special functions behind it, against exact and tabulated values. */
class McNemarTests {

    @Test
    void usesTheExactBinomialTestForFewDiscordantPairs() {
        McNemar test = McNemar.of(10, 2);

        assertThat(test.exact()).isTrue();
        // 2 * P(X <= 2), X ~ Bin(12, 1/2) = 2 * (1 + 12 + 66) / 4096
        assertThat(test.pValue()).isCloseTo(158.0 / 4096, within(1e-12));
        // P(X >= 10) = (66 + 12 + 1) / 4096
        assertThat(test.pSecondWorse()).isCloseTo(79.0 / 4096, within(1e-12));
        assertThat(test.statistic()).isCloseTo(49.0 / 12, within(1e-12));
    }

    @Test
    void findsNoEvidenceWhenTheSecondModelIsBetter() {
        McNemar test = McNemar.of(2, 10);

        assertThat(test.pValue()).isCloseTo(158.0 / 4096, within(1e-12));
        // P(X >= 2), X ~ Bin(12, 1/2) = 1 - (1 + 12) / 4096
        assertThat(test.pSecondWorse()).isCloseTo(1 - 13.0 / 4096, within(1e-12));
    }

    @Test
    void usesTheContinuityCorrectedChiSquareForManyDiscordantPairs() {
        McNemar test = McNemar.of(40, 20);

        assertThat(test.exact()).isFalse();
        assertThat(test.statistic()).isCloseTo(19.0 * 19 / 60, within(1e-12));
        // chi-square(1) survival = erfc(sqrt(x / 2)), here about 0.01418
        assertThat(test.pValue()).isCloseTo(Special.erfc(Math.sqrt(361.0 / 120)), within(1e-15)).isBetween(0.0141, 0.0142);
        assertThat(test.pSecondWorse()).isCloseTo(test.pValue() / 2, within(1e-15));
    }

    @Test
    void reportsNoDifferenceWithoutDiscordantPairs() {
        McNemar test = McNemar.of(0, 0);

        assertThat(test.pValue()).isEqualTo(1.0);
        assertThat(test.statistic()).isZero();
    }

    @Test
    void countsDiscordantPairsFromPerSampleCorrectness() {
        List<String> classes = List.of("a", "b");
        int[] actual = {0, 0, 1, 1, 0};
        double[][] p = {{1, 0}, {1, 0}, {0, 1}, {0, 1}, {1, 0}};
        ScoredSamples champion = new ScoredSamples(classes, actual, new int[] {0, 0, 1, 0, 1}, p);
        ScoredSamples challenger = new ScoredSamples(classes, actual, new int[] {0, 1, 0, 1, 1}, p);

        McNemar test = McNemar.test(champion, challenger);

        assertThat(test.onlyFirstCorrect()).isEqualTo(2);
        assertThat(test.onlySecondCorrect()).isEqualTo(1);
    }

    @Test
    void computesTheComplementaryErrorFunctionToTabulatedPrecision() {
        assertThat(Special.erfc(0.5)).isCloseTo(0.479500122186953462317, within(1e-14));
        assertThat(Special.erfc(1)).isCloseTo(0.157299207050285130659, within(1e-14));
        assertThat(Special.erfc(3)).isCloseTo(2.20904969985854413728e-5, within(1e-16));
        // the chi-square(1) critical values of 5 % and 1 %
        assertThat(Special.erfc(Math.sqrt(3.841458820694124 / 2))).isCloseTo(0.05, within(1e-12));
        assertThat(Special.erfc(Math.sqrt(6.634896601021214 / 2))).isCloseTo(0.01, within(1e-12));
    }
}
