package io.sluice.monitoring.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class CanaryAnalyzerTests {

    private final CanaryAnalyzer analyzer = new CanaryAnalyzer(CanaryPolicy.defaults());

    @Test
    void findsACanaryWithFivePercentErrorsAgainstOnePercentDegraded() {
        Verdict verdict = analyzer.analyze(traffic(600, 20, 1.0), traffic(5400, 100, 1.0));
        assertThat(verdict.outcome()).isEqualTo(Verdict.Outcome.DEGRADED);
        assertThat(check(verdict, "error-rate").decision()).isEqualTo(Decision.FAIL);
        assertThat(check(verdict, "error-rate").candidateValue()).isEqualTo(30 / 600.0);
    }

    @Test
    void findsACanaryLikeStableHealthy() {
        Verdict verdict = analyzer.analyze(traffic(600, 100, 1.0), traffic(5400, 100, 1.0));
        assertThat(verdict.outcome()).isEqualTo(Verdict.Outcome.HEALTHY);
        assertThat(verdict.checks()).extracting(Check::decision).doesNotContain(Decision.FAIL);
    }

    @Test
    void findsACanaryWithSlowerLatenciesDegraded() {
        Verdict verdict = analyzer.analyze(traffic(600, 100, 1.5), traffic(5400, 100, 1.0));
        assertThat(verdict.outcome()).isEqualTo(Verdict.Outcome.DEGRADED);
        assertThat(check(verdict, "latency-p99").decision()).isEqualTo(Decision.FAIL);
    }

    @Test
    void toleratesAFewMillisecondsOnAFastModelButNotTheSameSlowdownWithoutTolerance() {
        // stable p99 ≈ 18 ms, canary p99 ≈ 25 ms: a cold or busy JVM, not a regression a user notices
        VersionStats canary = traffic(600, 100, 0.1);
        VersionStats stable = traffic(5400, 100, 0.072);
        Verdict verdict = analyzer.analyze(canary, stable);
        assertThat(check(verdict, "latency-p99").decision()).isEqualTo(Decision.PASS);
        assertThat(check(verdict, "latency-p99").threshold()).isCloseTo(check(verdict, "latency-p99").baselineValue() + 10,
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(verdict.outcome()).isEqualTo(Verdict.Outcome.HEALTHY);

        CanaryPolicy strict = CanaryPolicy.defaults();
        strict = new CanaryPolicy(strict.minSamples(), strict.alpha(), strict.beta(), strict.errorRateTolerance(),
                strict.errorRateDegradation(), strict.errorRateCeiling(), strict.latencyTailTolerance(),
                strict.latencyTailDegradation(), 0, 0, strict.latencyCeilingMs(), strict.confidenceTolerance(),
                strict.accuracyTolerance(), strict.minLabels(), strict.psiThreshold());
        assertThat(new CanaryAnalyzer(strict).analyze(canary, stable).outcome()).isEqualTo(Verdict.Outcome.DEGRADED);
    }

    @Test
    void judgesProductionAgainstItsPredecessorOnErrorsAndLatencyButNotOnWhatTheInputsMove() {
        VersionStats predecessor = traffic(5400, 100, 1.0);
        VersionStats drifted = traffic(600, 100, 1.0, "c0", 0.5); // every answer one class, half as confident: the inputs moved
        assertThat(analyzer.analyze(drifted, predecessor).outcome()).as("as a canary beside stable").isEqualTo(Verdict.Outcome.DEGRADED);
        Verdict production = analyzer.analyzeAgainstPredecessor(drifted, predecessor);
        assertThat(production.outcome()).isEqualTo(Verdict.Outcome.HEALTHY);
        assertThat(production.checks()).extracting(Check::metric).containsExactly("error-rate", "latency-p95", "latency-p99");

        Verdict failing = analyzer.analyzeAgainstPredecessor(traffic(600, 20, 1.0), predecessor);
        assertThat(failing.outcome()).isEqualTo(Verdict.Outcome.DEGRADED);
        assertThat(failing.reason()).isEqualTo("production is worse than predecessor on error-rate");
    }

    @Test
    void neverCallsACanaryBelowTheMinimumSampleHealthy() {
        Verdict verdict = analyzer.analyze(traffic(50, 100, 1.0), traffic(5400, 100, 1.0));
        assertThat(verdict.outcome()).isEqualTo(Verdict.Outcome.INCONCLUSIVE);
        assertThat(verdict.reason()).contains("too little traffic");
    }

    @Test
    void failsACanaryAboveTheAbsoluteCeilingEvenWhenStableIsAsBad() {
        Verdict verdict = analyzer.analyze(traffic(2000, 5, 1.0), traffic(5400, 5, 1.0)); // 20 % errors each
        assertThat(check(verdict, "error-rate").decision()).isEqualTo(Decision.FAIL);
        assertThat(check(verdict, "error-rate").threshold()).isEqualTo(0.10);
    }

    private static Check check(Verdict verdict, String metric) {
        return verdict.checks().stream().filter(c -> c.metric().equals(metric)).findFirst().orElseThrow();
    }

    /** Deterministic traffic: every {@code errorEvery}-th request fails; latencies spread evenly over a log-normal-like range. */
    private static VersionStats traffic(int requests, int errorEvery, double latencyFactor) {
        return traffic(requests, errorEvery, latencyFactor, null, 0.9);
    }

    /** As above; {@code onlyClass} (when not null) is every answer's class, {@code confidence} every answer's confidence. */
    private static VersionStats traffic(int requests, int errorEvery, double latencyFactor, String onlyClass, double confidence) {
        VersionStats stats = new VersionStats();
        for (int i = 0; i < requests; i++) {
            double u = (i * 0.618034) % 1.0; // low-discrepancy spread in [0, 1)
            double latency = latencyFactor * 100 * Math.exp(0.4 * Math.sqrt(2) * inverseErf(2 * u - 1));
            stats.addServed(i % errorEvery == 0, latency, onlyClass == null ? "c" + (i % 4) : onlyClass, confidence, Map.of());
        }
        return stats;
    }

    private static double inverseErf(double x) {
        double clipped = Math.max(-0.999999, Math.min(0.999999, x));
        return Psi.normalQuantile((clipped + 1) / 2) / Math.sqrt(2);
    }
}
