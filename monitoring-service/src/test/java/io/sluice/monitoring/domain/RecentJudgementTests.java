package io.sluice.monitoring.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SplittableRandom;
import java.util.TreeMap;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * The recent judgement ({@link Recent}) beside a step's totals, on seeded traffic in the service's 10-s windows, read the
 * way {@code CanaryWatch} reads them ({@link Recent#trailing}): a change late in a long healthy step is caught on the
 * trailing ranges long before the totals see it, a burst both sides see is compared like with like and never fires, and
 * healthy canaries stay healthy.
 */
class RecentJudgementTests {

    private static final long WINDOW_MS = 10_000;
    private static final Instant STEP_START = Instant.parse("2026-12-07T12:00:00Z");
    private static final long REVISION = 7;

    private final CanaryPolicy policy = CanaryPolicy.defaults();
    private final CanaryAnalyzer analyzer = new CanaryAnalyzer(policy);

    @Property(tries = 8, seed = "12")
    void catchesAChangeLateInALongHealthyStepWhereTheTotalsAloneStillSeeNothing(@ForAll @LongRange(min = 1) long seed,
                                                                              @ForAll @IntRange(min = 300, max = 600) int healthySeconds) {
        // the canary's server errors go from 1 % to 5 % after several minutes of healthy traffic in the same step
        Step step = new Step(seed);
        step.serve(healthySeconds, 0.01, 0.01, 1.0, 1.0, false);
        int found = -1;
        for (int s = 1; s <= 90 && found < 0; s++) {
            step.serve(1, 0.05, 0.01, 1.0, 1.0, false);
            Verdict withRecent = step.judge(analyzer, true);
            Verdict totalsAlone = step.judge(analyzer, false);
            assertThat(totalsAlone.outcome()).as("the totals alone, %d s after the change", s).isNotEqualTo(Verdict.Outcome.DEGRADED);
            if (withRecent.outcome() == Verdict.Outcome.DEGRADED) {
                found = s;
                Check errors = check(withRecent, "error-rate");
                assertThat(errors.decision()).isEqualTo(Decision.FAIL);
                assertThat(errors.reason()).startsWith("over the last").contains("of the step (against stable over the same range");
                assertThat(errors.candidateSamples()).as("judged on a trailing range, not the step").isLessThan(step.canaryTotal.requests());
            }
        }
        assertThat(found).as("seconds from the change to DEGRADED on the trailing ranges").isBetween(1, 90);
    }

    @Test
    void catchesALateAccuracyDropOnTheReleasesTrailingRangesWhileTheReleaseTotalsStillPass() {
        Step step = new Step(2027);
        step.serve(600, 0.01, 0.01, 1.0, 1.0, false, 0.9);
        step.serve(150, 0.01, 0.01, 1.0, 1.0, false, 0.7);
        Verdict totalsAlone = step.judge(analyzer, false);
        assertThat(check(totalsAlone, "accuracy").decision()).isNotEqualTo(Decision.FAIL);
        Verdict withRecent = step.judge(analyzer, true);
        assertThat(withRecent.outcome()).isEqualTo(Verdict.Outcome.DEGRADED);
        assertThat(check(withRecent, "accuracy").reason()).startsWith("over the last").contains("of the release");
    }

    @Property(tries = 8, seed = "11")
    void aShortBurstOfBadLuckBothSidesSeeNeverFires(@ForAll @LongRange(min = 1) long seed, @ForAll @IntRange(min = 3, max = 20) int burstSeconds) {
        // a shared incident: both versions fail 8 % of their requests and answer 3x slower for a few seconds
        Step step = new Step(seed);
        step.serve(120, 0.01, 0.01, 1.0, 1.0, false);
        VersionStats canaryBurst = new VersionStats();
        for (int s = 0; s < burstSeconds; s++) {
            VersionStats before = step.canaryTotal.copy();
            step.serve(1, 0.08, 0.08, 3.0, 3.0, false);
            canaryBurst.merge(delta(step.canaryTotal, before));
            assertThat(step.judge(analyzer, true).outcome()).as("during the burst, second %d", s).isNotEqualTo(Verdict.Outcome.DEGRADED);
        }
        for (int s = 0; s < 60; s++) {
            step.serve(1, 0.01, 0.01, 1.0, 1.0, false);
            assertThat(step.judge(analyzer, true).outcome()).as("after the burst, second %d", s).isNotEqualTo(Verdict.Outcome.DEGRADED);
        }
        if (burstSeconds >= 10) {
            // what the recent judgement is not: the canary's burst held to stable's step totals instead of stable's same seconds
            assertThat(analyzer.analyze(canaryBurst, step.stableTotal).outcome()).isEqualTo(Verdict.Outcome.DEGRADED);
        }
    }

    @Property(tries = 6, seed = "7")
    void keepsAnAaStepQuietAndLetsItPass(@ForAll @LongRange(min = 1) long seed) {
        Step step = new Step(seed);
        Verdict last = null;
        for (int s = 0; s < 240; s++) {
            step.serve(1, 0.01, 0.01, 1.0, 1.0, s % 60 < 8); // bursts of big, slow inputs that both sides see
            last = step.judge(analyzer, true);
            assertThat(last.outcome()).as("second %d", s).isNotEqualTo(Verdict.Outcome.DEGRADED);
        }
        assertThat(last.outcome()).isEqualTo(Verdict.Outcome.HEALTHY);
    }

    @Test
    void splitsAlphaBetweenTheTotalsAndTheTrailingRanges() {
        Step step = new Step(5);
        step.serve(100, 0.01, 0.01, 1.0, 1.0, false);
        Recent recent = step.recent();
        assertThat(Recent.lengths(WINDOW_MS, policy.recentMillis())).containsExactly(1, 2, 4, 8, 16);
        assertThat(recent.ranges()).isEqualTo(5);
        assertThat(recent.step()).extracting(Recent.Span::millis).as("shorter than the step, shortest first").isSorted()
                .allMatch(ms -> ms < 100_000);
        // the totals' SPRT bound at alpha x (1 - share) = 0.0025 with the recent judgement, at the whole alpha without it
        assertThat(check(step.judge(analyzer, true), "error-rate").reason()).contains(String.format(java.util.Locale.ROOT,
                "at ≥ %.2f", Math.log(0.95 / 0.0025)));
        assertThat(check(step.judge(analyzer, false), "error-rate").reason()).as("no trailing range yet: still the totals' share")
                .contains(String.format(java.util.Locale.ROOT, "at ≥ %.2f", Math.log(0.95 / 0.0025)));
        Verdict withoutRecent = analyzer.analyze(step.canaryTotal, step.stableTotal, 0, 100_000, step.canaryTotal, step.stableTotal, false,
                null);
        assertThat(check(withoutRecent, "error-rate").reason()).contains(String.format(java.util.Locale.ROOT,
                "at ≥ %.2f", Math.log(0.95 / 0.005)));
        CanaryPolicy off = new CanaryPolicy(policy.minSamples(), policy.alpha(), policy.beta(), policy.errorRateTolerance(),
                policy.errorRateDegradation(), policy.errorRateCeiling(), policy.latencyTailTolerance(), policy.latencyTailDegradation(),
                policy.latencyToleranceRatio(), policy.latencyToleranceMs(), policy.latencyCeilingMs(), policy.confidenceTolerance(),
                policy.accuracyTolerance(), policy.minLabels(), policy.psiThreshold(), policy.capacityTolerance(), policy.minAgreement(),
                policy.minStepMillis(), 0, policy.recentAlphaShare());
        assertThat(off.totalsAlpha()).isEqualTo(policy.alpha());
    }

    /** The requests added to {@code after} since {@code before} was copied (counts only; enough for the error and latency test). */
    private static VersionStats delta(VersionStats after, VersionStats before) {
        VersionStats d = new VersionStats();
        long n = after.requests() - before.requests();
        long e = after.errors() - before.errors();
        for (long i = 0; i < n; i++) {
            d.add(new ServedRequest(i < e ? ServedRequest.Kind.SERVER_ERROR : ServedRequest.Kind.OK, 3 * 150, Strata.DEFAULT, "c0", 0.9,
                    Map.of(), false, null, 0));
        }
        return d;
    }

    private static Check check(Verdict verdict, String metric) {
        return verdict.checks().stream().filter(c -> c.metric().equals(metric)).findFirst().orElseThrow();
    }

    /**
     * One long release step served second by second into the service's 10-s windows: canary 20 req/s, stable 180 req/s,
     * log-normal latencies (median 150 ms), 1 % caller errors, a fifth of the answers labelled.
     */
    private static final class Step {

        private final SplittableRandom random;
        private final NavigableMap<Instant, ModelWindow> windows = new TreeMap<>();
        private final VersionStats canaryTotal = new VersionStats();
        private final VersionStats stableTotal = new VersionStats();
        private int seconds;

        Step(long seed) {
            this.random = new SplittableRandom(seed);
        }

        void serve(int n, double canaryErrors, double stableErrors, double canarySlowdown, double stableSlowdown, boolean bigInputs) {
            serve(n, canaryErrors, stableErrors, canarySlowdown, stableSlowdown, bigInputs, 0.9);
        }

        void serve(int n, double canaryErrors, double stableErrors, double canarySlowdown, double stableSlowdown, boolean bigInputs,
                   double canaryAccuracy) {
            for (int s = 0; s < n; s++) {
                Instant at = STEP_START.plusSeconds(seconds++);
                Instant window = Instant.ofEpochMilli(at.toEpochMilli() - Math.floorMod(at.toEpochMilli(), WINDOW_MS));
                ModelWindow w = windows.computeIfAbsent(window, k -> new ModelWindow());
                serve(w.slice("v2", REVISION), canaryTotal, 20, canaryErrors, canarySlowdown, bigInputs, canaryAccuracy);
                serve(w.slice("v1", REVISION), stableTotal, 180, stableErrors, stableSlowdown, bigInputs, 0.9);
            }
        }

        private void serve(VersionStats window, VersionStats total, int requests, double errors, double slowdown, boolean bigInputs,
                           double accuracy) {
            VersionStats second = new VersionStats();
            for (int i = 0; i < requests; i++) {
                boolean big = bigInputs && random.nextDouble() < 0.3;
                ServedRequest.Kind kind = random.nextDouble() < 0.01 ? ServedRequest.Kind.CLIENT_ERROR
                        : random.nextDouble() < errors ? ServedRequest.Kind.SERVER_ERROR : ServedRequest.Kind.OK;
                double latency = slowdown * (big ? 5 : 1) * 150 * Math.exp(0.4 * gaussian());
                second.add(new ServedRequest(kind, latency, big ? Strata.of(1, 4096L * 4096 * 3) : Strata.of(1, 784), "c" + random.nextInt(4),
                        0.9, Map.of(), false, null, 0));
                if (kind == ServedRequest.Kind.OK && random.nextDouble() < 0.2) {
                    second.addFeedback(random.nextDouble() < accuracy);
                }
            }
            window.merge(second);
            total.merge(second);
        }

        private double gaussian() {
            double u = Math.max(1e-12, random.nextDouble());
            return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
        }

        Instant now() {
            return STEP_START.plusSeconds(seconds).minusMillis(1);
        }

        Recent recent() {
            return Recent.trailing(windows, "v2", "v1", REVISION, STEP_START, STEP_START, now(), WINDOW_MS, CanaryPolicy.defaults().recentMillis());
        }

        /** The step's verdict now, on its totals and, with {@code recent}, on its trailing ranges too (else the totals alone, at their share of alpha). */
        Verdict judge(CanaryAnalyzer analyzer, boolean recent) {
            return analyzer.analyze(canaryTotal, stableTotal, 0, seconds * 1000L, canaryTotal, stableTotal, false,
                    recent ? recent() : Recent.none());
        }
    }
}
