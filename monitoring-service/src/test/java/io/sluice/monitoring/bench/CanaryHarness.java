package io.sluice.monitoring.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import io.sluice.monitoring.domain.CanaryAnalyzer;
import io.sluice.monitoring.domain.CanaryPolicy;
import io.sluice.monitoring.domain.ModelWindow;
import io.sluice.monitoring.domain.Verdict;
import io.sluice.monitoring.domain.VersionStats;

/**
 * Replays seeded synthetic canary releases through the service's own aggregation and analysis
 * code ({@link ModelWindow} one-second windows, {@link CanaryAnalyzer} every second) and through a
 * Flagger-style rule ({@link FlaggerRule}) on the very same streams, and prints detection times and
 * false rollbacks side by side.
 *
 * <p>Each release: stable at 180 req/s and 1 % errors, canary at 20 req/s (Poisson), five
 * release steps. Sluice restarts its analysis at every step (a HEALTHY verdict moves the release
 * on); Flagger checks once per 60 s interval and never resets its failed-check counter. In the two
 * degradation cases the canary steps from healthy to degraded at a random second in [0, 120) and
 * the release is not allowed to finish, so the time to detection is measured from the step; a
 * rollback before the step counts as a false rollback. A second study ({@link BurstyStudy}) adds
 * bursty input mixes, capacity refusals and caller errors and compares Sluice with Flagger- and
 * Argo-style threshold rules and a Kayenta-style Mann-Whitney judge, each tuned to the same
 * false-rollback budget. Run:
 * {@code mvn -B -q -pl monitoring-service test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.sluice.monitoring.bench.CanaryHarness [-Dexec.args="200 42 [plain|bursty|both] [A/A releases, default the first number]"]}.
 */
public final class CanaryHarness {

    static final double STABLE_RPS = 180;
    static final double CANARY_RPS = 20;
    static final double BASE_ERROR_RATE = 0.01;
    static final int STEPS = 5;
    static final int HORIZON_S = 1800;
    static final boolean VERBOSE = Boolean.getBoolean("harness.verbose");

    record Case(String name, double errorAfter, double latencyAfter, boolean healthy) {}

    /** Outcome of one rule on one release: seconds from the step to rollback (or NaN), premature rollback, promotion time. */
    record Outcome(double detectedAfter, boolean falseRollback, double promotedAt) {}

    public static void main(String[] args) {
        int canaries = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 42;
        String study = args.length > 2 ? args[2] : "both";
        System.out.printf(Locale.ROOT, "load average %.2f on %d cores%n",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
        if (!study.equals("bursty")) {
            plain(canaries, seed);
        }
        if (!study.equals("plain")) {
            BurstyStudy.run(canaries, seed, args.length > 3 ? Integer.parseInt(args[3]) : canaries);
        }
    }

    /** The first study: steady traffic, one kind of work, Sluice against a Flagger-style rule with its documented defaults. */
    static void plain(int canaries, long seed) {
        CanaryPolicy policy = CanaryPolicy.defaults();
        FlaggerRule flagger = FlaggerRule.documentedDefaults();
        List<Case> cases = List.of(new Case("error 1% -> 5%", 0.05, 1.0, false),
                new Case("latency p99 +50%", BASE_ERROR_RATE, 1.5, false),
                new Case("healthy (A/A)", BASE_ERROR_RATE, 1.0, true));
        System.out.printf(Locale.ROOT, "%d simulated canaries per case; canary %.0f req/s, stable %.0f req/s, %d%% base errors,"
                + " latency log-normal median %.0f ms sigma %.1f (p99 %.0f ms), seed %d%n", canaries, CANARY_RPS, STABLE_RPS,
                Math.round(BASE_ERROR_RATE * 100), SyntheticTraffic.MEDIAN_MS, SyntheticTraffic.SIGMA,
                SyntheticTraffic.MEDIAN_MS * Math.exp(SyntheticTraffic.SIGMA * 2.326), seed);
        System.out.printf(Locale.ROOT, "sluice: sequential tests vs stable, analysed every 1 s, min %d samples, alpha %.3f;"
                + " flagger: every %d s, error <= %.0f%%, p99 <= %.0f ms, rollback at %d failed checks%n",
                policy.minSamples(), policy.alpha(), flagger.intervalSeconds(), flagger.maxErrorRate() * 100, flagger.maxP99Ms(),
                flagger.threshold());
        System.out.printf(Locale.ROOT, "%-18s %-8s %10s %9s %9s %16s %16s%n", "case", "rule", "detected", "p50 s", "p95 s",
                "false rollbacks", "promoted p50/p95");
        long started = System.nanoTime();
        for (int c = 0; c < cases.size(); c++) {
            Case kase = cases.get(c);
            List<Outcome> sluice = new ArrayList<>();
            List<Outcome> flag = new ArrayList<>();
            for (int i = 0; i < canaries; i++) {
                Outcome[] both = simulate(kase, seed * 1_000_003L + c * 10_007L + i, policy, flagger);
                sluice.add(both[0]);
                flag.add(both[1]);
            }
            double sluiceP95 = print(kase, "sluice", sluice);
            double flaggerP95 = print(kase, "flagger", flag);
            if (!kase.healthy()) {
                System.out.printf(Locale.ROOT, "%-18s %-8s %10s p95 speed-up x%.1f%n", "", "", "", flaggerP95 / sluiceP95);
            }
        }
        System.out.printf(Locale.ROOT, "(simulated in %.1f s)%n", (System.nanoTime() - started) / 1e9);
    }

    static Outcome[] simulate(Case kase, long seed, CanaryPolicy policy, FlaggerRule flagger) {
        SyntheticTraffic traffic = new SyntheticTraffic(seed);
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        int stepAt = kase.healthy() ? Integer.MAX_VALUE : random.nextInt(120);
        CanaryAnalyzer analyzer = new CanaryAnalyzer(policy);

        VersionStats canaryStep = new VersionStats();
        VersionStats stableStep = new VersionStats();
        int sluiceSteps = 0;
        Outcome sluiceOutcome = null;

        VersionStats interval = new VersionStats();
        int failedChecks = 0;
        int checks = 0;
        Outcome flaggerOutcome = null;

        for (int t = 1; t <= HORIZON_S && (sluiceOutcome == null || flaggerOutcome == null); t++) {
            boolean degraded = t > stepAt;
            ModelWindow second = new ModelWindow();
            traffic.serve(second.version("canary"), traffic.poisson(CANARY_RPS), degraded ? kase.errorAfter() : BASE_ERROR_RATE,
                    degraded ? kase.latencyAfter() : 1.0);
            traffic.serve(second.version("stable"), traffic.poisson(STABLE_RPS), BASE_ERROR_RATE, 1.0);

            if (sluiceOutcome == null) {
                canaryStep.merge(second.versionOrEmpty("canary"));
                stableStep.merge(second.versionOrEmpty("stable"));
                Verdict verdict = analyzer.analyze(canaryStep, stableStep);
                if (verdict.outcome() == Verdict.Outcome.DEGRADED) {
                    sluiceOutcome = degradedAt(t, stepAt);
                    if (VERBOSE && sluiceOutcome.falseRollback()) {
                        System.out.println("  false rollback at " + t + " s, step " + sluiceSteps + ": " + verdict.reason() + " "
                                + verdict.checks());
                    }
                } else if (verdict.outcome() == Verdict.Outcome.HEALTHY) {
                    sluiceSteps++;
                    canaryStep = new VersionStats();
                    stableStep = new VersionStats();
                    if (kase.healthy() && sluiceSteps == STEPS) {
                        sluiceOutcome = new Outcome(Double.NaN, false, t);
                    }
                }
            }
            if (flaggerOutcome == null) {
                interval.merge(second.versionOrEmpty("canary"));
                if (t % flagger.intervalSeconds() == 0) {
                    checks++;
                    if (flagger.fails(interval)) {
                        failedChecks++;
                    }
                    interval = new VersionStats();
                    if (failedChecks >= flagger.threshold()) {
                        flaggerOutcome = degradedAt(t, stepAt);
                    } else if (kase.healthy() && checks == STEPS) {
                        flaggerOutcome = new Outcome(Double.NaN, false, t);
                    }
                }
            }
        }
        Outcome none = new Outcome(Double.NaN, false, Double.NaN);
        return new Outcome[] {sluiceOutcome == null ? none : sluiceOutcome, flaggerOutcome == null ? none : flaggerOutcome};
    }

    private static Outcome degradedAt(int t, int stepAt) {
        return t <= stepAt ? new Outcome(Double.NaN, true, Double.NaN) : new Outcome(t - stepAt, false, Double.NaN);
    }

    private static double print(Case kase, String rule, List<Outcome> outcomes) {
        int n = outcomes.size();
        long falseRollbacks = outcomes.stream().filter(Outcome::falseRollback).count();
        double[] detected = outcomes.stream().mapToDouble(Outcome::detectedAfter).filter(d -> !Double.isNaN(d)).sorted().toArray();
        double[] promoted = outcomes.stream().mapToDouble(Outcome::promotedAt).filter(d -> !Double.isNaN(d)).sorted().toArray();
        String falseText = String.format(Locale.ROOT, "%d (%.1f%%)", falseRollbacks, 100.0 * falseRollbacks / n);
        if (kase.healthy()) {
            System.out.printf(Locale.ROOT, "%-18s %-8s %10s %9s %9s %16s %16s%n", kase.name(), rule, "-", "-", "-", falseText,
                    String.format(Locale.ROOT, "%.0f/%.0f s", percentile(promoted, 0.5), percentile(promoted, 0.95)));
            return Double.NaN;
        }
        // releases not detected within the horizon count as never detected (infinitely late)
        double[] all = Arrays.copyOf(detected, n - (int) falseRollbacks);
        Arrays.fill(all, detected.length, all.length, Double.POSITIVE_INFINITY);
        System.out.printf(Locale.ROOT, "%-18s %-8s %10s %9.0f %9.0f %16s %16s%n", kase.name(), rule,
                detected.length + "/" + n, percentile(all, 0.5), percentile(all, 0.95), falseText, "-");
        return percentile(all, 0.95);
    }

    /** Nearest-rank percentile; NaN for no values. */
    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
