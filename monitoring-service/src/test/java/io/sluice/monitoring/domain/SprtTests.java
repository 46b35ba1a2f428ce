package io.sluice.monitoring.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SprtTests {

    private final Sprt test = new Sprt(0.01, 0.05, 0.01, 0.1);

    @Test
    void computesWaldBoundsByHand() {
        assertThat(test.upper()).isCloseTo(Math.log(0.9 / 0.01), within(1e-12)); // 4.49981
        assertThat(test.lower()).isCloseTo(Math.log(0.1 / 0.99), within(1e-12)); // -2.29253
    }

    @Test
    void computesTheLogLikelihoodRatioOfCountsByHand() {
        // 3 events in 100 trials: 3 ln 5 + 97 ln(0.95 / 0.99) = 4.82831 - 4.00048 = 0.82783
        assertThat(test.logLikelihoodRatio(3, 100)).isCloseTo(0.82783, within(1e-4));
    }

    @Test
    void failsOnManyEventsPassesOnFewAndWaitsInBetween() {
        assertThat(test.decide(test.logLikelihoodRatio(5, 50))).isEqualTo(Decision.FAIL); // 8.047 - 1.988 = 6.06
        assertThat(test.decide(test.logLikelihoodRatio(0, 60))).isEqualTo(Decision.PASS); // -2.455
        assertThat(test.decide(test.logLikelihoodRatio(3, 100))).isEqualTo(Decision.INCONCLUSIVE);
    }

    @Test
    void rejectsAnAlternativeBelowTheNull() {
        assertThatThrownBy(() -> new Sprt(0.05, 0.01, 0.01, 0.1)).isInstanceOf(IllegalArgumentException.class);
    }
}
