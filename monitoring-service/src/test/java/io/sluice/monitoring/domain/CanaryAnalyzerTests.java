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
    void failsACanaryWhoseP99IsThirtyPercentAboveStablesWhereTheFormerTailSettingsWereStillUndecided() {
        // every latency x1.3: about 2.8 % of the canary's requests above stable's p99 + 10 %, against 1 % allowed
        VersionStats canary = traffic(1000, 100, 1.3);
        VersionStats stable = traffic(5400, 100, 1.0);
        Check p99 = check(analyzer.analyze(canary, stable), "latency-p99");
        // the SPRT by hand: count the canary's latencies above the limit the check reports (surely above it, and within the
        // sketch's 1 % relative accuracy of it, where the sketch may count either way), then H0 1 %, H1 3 %
        long surely = 0;
        long near = 0;
        for (int i = 0; i < 1000; i++) {
            double u = (i * 0.618034) % 1.0;
            double latency = 1.3 * 100 * Math.exp(0.4 * Math.sqrt(2) * inverseErf(2 * u - 1));
            if (latency > p99.threshold() * 1.02) {
                surely++;
            } else if (latency > p99.threshold() / 1.02) {
                near++;
            }
        }
        long n = p99.candidateSamples();
        assertThat(n).isEqualTo(1000);
        assertThat(surely).isBetween(20L, 35L);
        assertThat(p99.statistic()).isBetween(sprt(surely, n, 0.01, 0.03), sprt(surely + near, n, 0.01, 0.03));
        assertThat(p99.decision()).isEqualTo(Decision.FAIL);

        CanaryPolicy d = CanaryPolicy.defaults();
        CanaryPolicy formerTail = new CanaryPolicy(d.minSamples(), d.alpha(), d.beta(), d.errorRateTolerance(), d.errorRateDegradation(),
                d.errorRateCeiling(), 1.5, 4.0, d.latencyToleranceRatio(), d.latencyToleranceMs(), d.latencyCeilingMs(),
                d.confidenceTolerance(), d.accuracyTolerance(), d.minLabels(), d.psiThreshold(), d.capacityTolerance(), d.minAgreement(),
                d.minStepMillis(), d.recentMillis(), d.recentAlphaShare());
        Check former = check(new CanaryAnalyzer(formerTail).analyze(canary, stable), "latency-p99");
        assertThat(former.statistic()).isBetween(sprt(surely, n, 0.015, 0.04), sprt(surely + near, n, 0.015, 0.04));
        assertThat(former.decision()).isEqualTo(Decision.INCONCLUSIVE);
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
                strict.accuracyTolerance(), strict.minLabels(), strict.psiThreshold(), strict.capacityTolerance(), strict.minAgreement(),
                strict.minStepMillis(), strict.recentMillis(), strict.recentAlphaShare());
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
        assertThat(failing.reason()).isEqualTo("production is worse than predecessor on error-rate; nothing left out");
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

    @Test
    void leavesCallerErrorsOutAndSaysSo() {
        VersionStats canary = traffic(600, 100, 1.0);
        for (int i = 0; i < 125; i++) {
            canary.add(request(ServedRequest.Kind.CLIENT_ERROR, 0, Strata.of(600, 64), null));
        }
        Verdict verdict = analyzer.analyze(canary, traffic(5400, 100, 1.0));
        assertThat(verdict.outcome()).isEqualTo(Verdict.Outcome.HEALTHY);
        assertThat(check(verdict, "error-rate").candidateValue()).isEqualTo(6 / 600.0);
        assertThat(verdict.excluded()).containsExactly(Map.entry("client-error", 125L));
        assertThat(verdict.reason()).endsWith("left out: 125 client-error");
    }

    @Test
    void holdsButNeverDegradesACanaryThatRefusesRequestsForCapacity() {
        VersionStats canary = traffic(600, 100, 1.0);
        for (int i = 0; i < 125; i++) { // queue-full 503s: counted as errors they rolled a canary back (error rate 1.0 vs 0.0)
            canary.add(request(ServedRequest.Kind.CAPACITY, 0.5, Strata.DEFAULT, null));
        }
        Verdict verdict = analyzer.analyze(canary, traffic(5400, 100, 1.0));
        assertThat(verdict.outcome()).isEqualTo(Verdict.Outcome.INCONCLUSIVE);
        assertThat(check(verdict, "capacity").decision()).isEqualTo(Decision.INCONCLUSIVE);
        assertThat(check(verdict, "error-rate").decision()).isEqualTo(Decision.PASS);
        assertThat(verdict.excluded()).containsEntry("capacity", 125L);
        assertThat(verdict.reason()).contains("capacity refusals").contains("125 capacity");

        VersionStats onlyRefusals = new VersionStats();
        for (int i = 0; i < 600; i++) {
            onlyRefusals.add(request(ServedRequest.Kind.CAPACITY, 0.5, Strata.DEFAULT, null));
        }
        assertThat(analyzer.analyze(onlyRefusals, traffic(5400, 100, 1.0)).outcome()).isEqualTo(Verdict.Outcome.INCONCLUSIVE);
    }

    @Test
    void callsAStepHealthyOnlyAfterItsMinimumDurationButADegradationAtOnce() {
        VersionStats stable = traffic(5400, 100, 1.0);
        Verdict early = analyzer.analyze(traffic(600, 100, 1.0), stable, 40, 5_000);
        assertThat(early.outcome()).isEqualTo(Verdict.Outcome.INCONCLUSIVE);
        assertThat(early.reason()).contains("5.0 s of its 30.0 s minimum").contains("40 before-step");
        assertThat(early.excluded()).containsEntry("before-step", 40L);
        assertThat(analyzer.analyze(traffic(600, 100, 1.0), stable, 40, 30_000).outcome()).isEqualTo(Verdict.Outcome.HEALTHY);
        assertThat(analyzer.analyze(traffic(600, 20, 1.0), stable, 40, 1_000).outcome()).isEqualTo(Verdict.Outcome.DEGRADED);
    }

    @Test
    void comparesLatencyOnTheSameKindOfWorkSoThatMoreBigInputsOnOneSideMakeItNoWorse() {
        String small = Strata.of(1, 784);
        String big = Strata.of(1, 4096L * 4096 * 3);
        VersionStats canary = traffic(600, 100, 1.0, small);
        canary.merge(traffic(90, 1000, 5.0, big)); // a burst of big inputs, 13 % of the canary's traffic ...
        VersionStats stable = traffic(5400, 100, 1.0, small);
        stable.merge(traffic(120, 1000, 5.0, big)); // ... and 2.2 % of stable's
        Verdict verdict = analyzer.analyze(canary, stable);
        assertThat(verdict.outcome()).isEqualTo(Verdict.Outcome.HEALTHY);

        VersionStats pooledCanary = traffic(600, 100, 1.0);
        pooledCanary.merge(traffic(90, 1000, 5.0));
        VersionStats pooledStable = traffic(5400, 100, 1.0);
        pooledStable.merge(traffic(120, 1000, 5.0));
        assertThat(analyzer.analyze(pooledCanary, pooledStable).outcome()).as("the same traffic without strata")
                .isEqualTo(Verdict.Outcome.DEGRADED);
    }

    @Test
    void stillFindsASlowerCanaryOnEveryKindOfWork() {
        String small = Strata.of(1, 784);
        String big = Strata.of(4, 784);
        VersionStats canary = traffic(400, 100, 1.5, small).merge(traffic(200, 100, 1.5, big));
        VersionStats stable = traffic(3600, 100, 1.0, small).merge(traffic(1800, 100, 3.0, big));
        Verdict verdict = analyzer.analyze(canary, stable);
        assertThat(verdict.outcome()).isEqualTo(Verdict.Outcome.DEGRADED);
        assertThat(check(verdict, "latency-p99").decision()).isEqualTo(Decision.FAIL);
    }

    @Test
    void neverRollsProductionBackForABurstOfInputsItsPredecessorNeverSaw() {
        String small = Strata.of(1, 784);
        VersionStats predecessor = traffic(5400, 100, 1.0, small);
        VersionStats production = traffic(1500, 100, 1.0, small).merge(traffic(30, 1000, 5.0, Strata.of(1, 4096L * 4096 * 3)));
        assertThat(production.latencyQuantile(0.99)).as("one quantile of the burst").isGreaterThan(1.5 * predecessor.latencyQuantile(0.99));
        Verdict verdict = analyzer.analyzeAgainstPredecessor(production, predecessor);
        assertThat(verdict.outcome()).isEqualTo(Verdict.Outcome.HEALTHY);
        assertThat(check(verdict, "latency-p99").reason()).contains("30 latencies of kinds of work stable has too few of");

        VersionStats slower = traffic(1500, 100, 1.5, small);
        assertThat(analyzer.analyzeAgainstPredecessor(slower, predecessor).outcome()).isEqualTo(Verdict.Outcome.DEGRADED);
    }

    @Test
    void judgesAShadowOnItsAgreementWithStableOnTheSameRequests() {
        VersionStats stable = traffic(2000, 100, 1.0);
        Verdict agreeing = analyzer.analyzeShadow(shadow(2000, 0.97), stable, 0, 60_000);
        assertThat(agreeing.outcome()).isEqualTo(Verdict.Outcome.HEALTHY);
        assertThat(check(agreeing, "agreement").decision()).isEqualTo(Decision.PASS);

        Verdict contradicting = analyzer.analyzeShadow(shadow(2000, 0.3), stable, 0, 60_000);
        assertThat(contradicting.outcome()).isEqualTo(Verdict.Outcome.DEGRADED);
        assertThat(contradicting.reason()).startsWith("shadow is worse than stable on agreement");

        assertThat(analyzer.analyzeShadow(shadow(50, 1.0), stable, 0, 60_000).outcome()).isEqualTo(Verdict.Outcome.INCONCLUSIVE);
    }

    @Test
    void holdsTheFinalStepWhileAccuracyWithEnoughLabelsIsUndecidedAndJudgesItOnTheWholeRelease() {
        VersionStats stable = labelled(traffic(5400, 100, 1.0), 600, 0.9);
        VersionStats step = labelled(traffic(600, 100, 1.0), 120, 0.82); // 120 labels: too few to tell 8 points from 5
        Verdict held = analyzer.analyze(step, stable, 0, 60_000);
        assertThat(check(held, "accuracy").decision()).isEqualTo(Decision.INCONCLUSIVE);
        assertThat(held.outcome()).isEqualTo(Verdict.Outcome.INCONCLUSIVE);
        assertThat(held.reason()).contains("accuracy");

        VersionStats release = labelled(traffic(3000, 100, 1.0), 1500, 0.8); // the earlier steps' labels as well
        assertThat(analyzer.analyze(step, stable, 0, 60_000, step, stable, false).outcome()).as("an earlier step does not wait")
                .isEqualTo(Verdict.Outcome.HEALTHY);
        Verdict degraded = analyzer.analyze(step, stable, 0, 60_000, release, labelled(traffic(27_000, 100, 1.0), 3000, 0.9), false);
        assertThat(check(degraded, "accuracy").decision()).isEqualTo(Decision.FAIL);
        assertThat(degraded.outcome()).isEqualTo(Verdict.Outcome.DEGRADED);

        Verdict unlabelled = analyzer.analyze(labelled(traffic(600, 100, 1.0), 99, 0.82), stable, 0, 60_000);
        assertThat(unlabelled.outcome()).as("too few labels hold nothing").isEqualTo(Verdict.Outcome.HEALTHY);
    }

    /** Adds {@code labels} feedback labels, a share {@code right} of them right (spread evenly). */
    private static VersionStats labelled(VersionStats stats, int labels, double right) {
        for (int i = 0; i < labels; i++) {
            stats.addFeedback(((i * 0.618034) % 1.0) < right);
        }
        return stats;
    }

    private static VersionStats shadow(int requests, double agreement) {
        VersionStats stats = new VersionStats();
        for (int i = 0; i < requests; i++) {
            double u = (i * 0.618034) % 1.0;
            double latency = 100 * Math.exp(0.4 * Math.sqrt(2) * inverseErf(2 * u - 1));
            stats.add(new ServedRequest(i % 100 == 0 ? ServedRequest.Kind.SERVER_ERROR : ServedRequest.Kind.OK, latency, Strata.DEFAULT,
                    "c" + (i % 4), 0.9, Map.of(), false, ((i * 0.381966) % 1.0) < agreement, 0));
        }
        return stats;
    }

    private static ServedRequest request(ServedRequest.Kind kind, double latencyMs, String stratum, String predictedClass) {
        return new ServedRequest(kind, latencyMs, stratum, predictedClass, Double.NaN, Map.of(), false, null, 0);
    }

    /** Wald's log-likelihood ratio of k events in n trials, H1 p1 against H0 p0, written out. */
    private static double sprt(long k, long n, double p0, double p1) {
        return k * Math.log(p1 / p0) + (n - k) * Math.log((1 - p1) / (1 - p0));
    }

    private static Check check(Verdict verdict, String metric) {
        return verdict.checks().stream().filter(c -> c.metric().equals(metric)).findFirst().orElseThrow();
    }

    /** Deterministic traffic: every {@code errorEvery}-th request fails; latencies spread evenly over a log-normal-like range. */
    private static VersionStats traffic(int requests, int errorEvery, double latencyFactor) {
        return traffic(requests, errorEvery, latencyFactor, null, 0.9);
    }

    /** As above, all of one stratum. */
    private static VersionStats traffic(int requests, int errorEvery, double latencyFactor, String stratum) {
        VersionStats stats = new VersionStats();
        for (int i = 0; i < requests; i++) {
            double u = (i * 0.618034) % 1.0;
            double latency = latencyFactor * 100 * Math.exp(0.4 * Math.sqrt(2) * inverseErf(2 * u - 1));
            stats.add(new ServedRequest(i % errorEvery == 0 ? ServedRequest.Kind.SERVER_ERROR : ServedRequest.Kind.OK, latency, stratum,
                    "c" + (i % 4), 0.9, Map.of(), false, null, 0));
        }
        return stats;
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
