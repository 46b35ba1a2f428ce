package io.sluice.monitoring.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;

import org.junit.jupiter.api.Test;

class StatisticsTests {

    @Test
    void computesPsiByHand() {
        // shares with the half-count smoothing: a = (50.5, 50.5)/101, e = (90.5, 10.5)/101
        double a = 0.5;
        double e1 = 90.5 / 101;
        double e2 = 10.5 / 101;
        double expected = (a - e1) * Math.log(a / e1) + (a - e2) * Math.log(a / e2);
        assertThat(Psi.of(Map.of("x", 50L, "y", 50L), Map.of("x", 90L, "y", 10L))).isCloseTo(expected, within(1e-12));
        assertThat(expected).isCloseTo(0.8531, within(1e-3)); // 0.2311 + 0.6220
    }

    @Test
    void findsNoShiftBetweenEqualDistributions() {
        assertThat(Psi.of(Map.of("x", 30L, "y", 70L), Map.of("x", 300L, "y", 700L))).isCloseTo(0, within(1e-4));
    }

    @Test
    void approximatesChiSquareQuantiles() {
        assertThat(Psi.chiSquareQuantile(3, 0.05)).isCloseTo(7.815, within(0.05));
        assertThat(Psi.chiSquareQuantile(9, 0.01)).isCloseTo(21.666, within(0.1));
        assertThat(Psi.normalQuantile(0.975)).isCloseTo(1.959964, within(1e-6));
    }

    @Test
    void computesTheMixtureConfidenceSequenceHalfWidthByHand() {
        // V = 1e-4, tau = 0.05: sqrt(2 V (V + tau²) / tau² · ln(sqrt((V + tau²) / V) / alpha))
        double v = 1e-4;
        double t2 = 0.0025;
        double expected = Math.sqrt(2 * v * (v + t2) / t2 * Math.log(Math.sqrt((v + t2) / v) / 0.01));
        assertThat(ConfidenceSequence.halfWidth(v, 0.05, 0.01)).isCloseTo(expected, within(1e-12));
        assertThat(expected).isCloseTo(0.0360, within(1e-3)); // sqrt(2.08e-4 · ln(509.9))
    }

    @Test
    void countsLatenciesAboveAThresholdWithinTheSketchPrecision() {
        VersionStats stats = new VersionStats();
        for (int ms = 1; ms <= 1000; ms++) {
            stats.addServed(false, ms, null, Double.NaN, Map.of());
        }
        // 100 values lie above 900; the threshold's own bin (about 2 % wide) is not counted
        assertThat(stats.latenciesAbove(900)).isBetween(82L, 100L);
        assertThat(stats.latencyQuantile(0.99)).isCloseTo(990, within(990 * 0.02));
    }
}
