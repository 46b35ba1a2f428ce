package io.sluice.monitoring.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.sluice.monitoring.domain.CanaryAnalyzer;
import io.sluice.monitoring.domain.CanaryPolicy;
import io.sluice.monitoring.domain.Recent;
import io.sluice.monitoring.domain.Verdict;
import io.sluice.monitoring.domain.VersionStats;

/**
 * The canary study of issue 12: releases on {@link BurstyTraffic} (bursts of big inputs both sides
 * see, capacity refusals in bursts, 1 % caller errors, 20 % of answers labelled), judged on the same
 * seeded streams by Sluice ({@link CanaryAnalyzer}, every second, a step healthy after its minimum
 * duration, accuracy on the whole release's labels), a Flagger-style and an Argo-style threshold rule ({@link ThresholdRule}) and a
 * Kayenta-style Mann-Whitney judge ({@link MannWhitneyJudge}). The A/A case calibrates the other
 * rules: each is run at a grid of settings, and of those whose false-rollback rate stays within
 * {@link #FALSE_ROLLBACK_BUDGET} (Sluice's own requirement) the threshold rules use the most
 * sensitive level and the Mann-Whitney judge the (alpha, tolerance) with the fastest detection
 * (tuned in its favour); the degradation cases report detection times with those settings. A
 * clairvoyant CUSUM per metric ({@link #oracles}), tuned to the same budget, shows how fast any
 * detector could be on this traffic, and so how large a speed-up over the others is possible at all.
 */
final class BurstyStudy {

    static final double STABLE_RPS = 180;
    static final double CANARY_RPS = 20;
    static final double BASE_ERRORS = 0.01;
    static final double BASE_ACCURACY = 0.9;
    static final int STEPS = 5;
    static final int HORIZON_S = 1200;
    /** The service's aggregation window ({@code window}, 10 s): the recent judgement's trailing ranges are whole windows. */
    static final int WINDOW_S = 10;
    static final double FALSE_ROLLBACK_BUDGET = 0.005;
    static final int LEVELS = 12;
    /** Kayenta settings: {alpha, tolerance}. */
    static final double[][] KAYENTA = grid(new double[] {0.2, 0.05, 0.01, 1e-3, 1e-5}, new double[] {0, 0.02, 0.05, 0.1});
    static final int ALPHAS_LENGTH = KAYENTA.length;
    /** Thresholds of the oracle CUSUMs, most sensitive first. */
    static final double[] ORACLE_H = thresholds(3, 16, 0.25);
    static final int ORACLE_FROM = 1 + 2 * LEVELS + ALPHAS_LENGTH;
    static final String[] ORACLE_METRICS = {"errors", "latency", "accuracy"};

    private static double[] thresholds(double from, double to, double step) {
        double[] h = new double[(int) Math.round((to - from) / step) + 1];
        for (int i = 0; i < h.length; i++) {
            h[i] = from + i * step;
        }
        return h;
    }

    private static double[][] grid(double[] alphas, double[] tolerances) {
        double[][] grid = new double[alphas.length * tolerances.length][];
        int i = 0;
        for (double tolerance : tolerances) {
            for (double alpha : alphas) {
                grid[i++] = new double[] {alpha, tolerance};
            }
        }
        return grid;
    }

    record Case(String name, double errors, double latency, double accuracy, boolean healthy) {

        /** Whether the oracle of metric m (0 errors, 1 latency, 2 accuracy) is run: on the A/A case and on its own degradation. */
        boolean oracleRuns(int m) {
            return healthy || switch (m) {
                case 0 -> errors != BASE_ERRORS;
                case 1 -> latency != 1.0;
                default -> accuracy != BASE_ACCURACY;
            };
        }
    }

    /** Seconds from the degradation to rollback (NaN: never), rollback before it, promotion time. */
    record Outcome(double detectedAfter, boolean falseRollback, double promotedAt) {}

    /** Outcomes of every rule on one release: [0] sluice, then flagger levels, argo levels, kayenta alphas. */
    static Outcome[] simulate(Case kase, long seed, CanaryPolicy policy) {
        BurstyTraffic traffic = new BurstyTraffic(seed);
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
        int degradeAt = kase.healthy() ? Integer.MAX_VALUE : random.nextInt(120);
        CanaryAnalyzer analyzer = new CanaryAnalyzer(policy);
        int rules = ORACLE_FROM + ORACLE_METRICS.length * ORACLE_H.length;
        Outcome[] outcomes = new Outcome[rules];
        int open = rules;
        Outcome none = new Outcome(Double.NaN, false, Double.NaN);
        for (int m = 0; m < ORACLE_METRICS.length; m++) {
            if (!kase.oracleRuns(m)) {
                for (int h = 0; h < ORACLE_H.length; h++) {
                    outcomes[oracleSlot(m, h)] = none;
                    open--;
                }
            }
        }
        double[] cusum = new double[ORACLE_METRICS.length];

        VersionStats canaryStep = new VersionStats();
        VersionStats stableStep = new VersionStats();
        VersionStats canaryRelease = new VersionStats();
        VersionStats stableRelease = new VersionStats();
        int sluiceSteps = 0;
        int stepStart = 0;
        TrailingWindows stepWindows = new TrailingWindows(WINDOW_S, policy.recentMillis());
        TrailingWindows releaseLabels = new TrailingWindows(WINDOW_S, policy.recentMillis());

        VersionStats interval = new VersionStats();
        int[] failed = new int[2 * LEVELS];
        int intervals = 0;
        int window = 60;
        double[][] canarySeries = new double[3][window];
        double[][] stableSeries = new double[3][window];
        int[] filledCanary = new int[3];
        int[] filledStable = new int[3];
        int[] kayentaPassed = new int[ALPHAS_LENGTH];

        for (int t = 1; t <= HORIZON_S && open > 0; t++) {
            boolean degraded = t > degradeAt;
            boolean burst = traffic.second();
            VersionStats canary = new VersionStats();
            VersionStats stable = new VersionStats();
            BurstyTraffic.SecondMetrics mc = traffic.serve(canary, traffic.poisson(CANARY_RPS), burst,
                    degraded ? kase.errors() : BASE_ERRORS, degraded ? kase.latency() : 1.0, degraded ? kase.accuracy() : BASE_ACCURACY,
                    t * 1000L);
            BurstyTraffic.SecondMetrics ms = traffic.serve(stable, traffic.poisson(STABLE_RPS), burst, BASE_ERRORS, 1.0, BASE_ACCURACY,
                    t * 1000L);

            if (outcomes[0] == null) {
                canaryStep.merge(canary);
                stableStep.merge(stable);
                canaryRelease.merge(canary);
                stableRelease.merge(stable);
                Recent recent = null;
                if (policy.judgesRecent()) {
                    stepWindows.add(t, canary, stable);
                    releaseLabels.add(t, labels(mc), labels(ms));
                    recent = new Recent(stepWindows.ranges(), stepWindows.spans(t), releaseLabels.spans(t));
                }
                Verdict verdict = analyzer.analyze(canaryStep, stableStep, 0, (t - stepStart) * 1000L, canaryRelease, stableRelease,
                        sluiceSteps >= STEPS - 1, recent);
                if (verdict.outcome() == Verdict.Outcome.DEGRADED) {
                    outcomes[0] = degradedAt(t, degradeAt);
                    open--;
                    if (CanaryHarness.VERBOSE && outcomes[0].falseRollback()) {
                        System.out.println("  sluice false rollback at " + t + " s: " + verdict.reason());
                    }
                } else if (verdict.outcome() == Verdict.Outcome.HEALTHY) {
                    sluiceSteps++;
                    canaryStep = new VersionStats();
                    stableStep = new VersionStats();
                    stepWindows.clear();
                    stepStart = t;
                    if (kase.healthy() && sluiceSteps == STEPS) {
                        outcomes[0] = new Outcome(Double.NaN, false, t);
                        open--;
                    }
                }
            }

            oracles(kase, t, degradeAt, canary, mc, cusum, outcomes);
            for (int slot = ORACLE_FROM; slot < rules; slot++) {
                if (outcomes[slot] == null && kase.healthy() && t == STEPS * 60) {
                    outcomes[slot] = new Outcome(Double.NaN, false, t); // the same exposure as the rules judged every minute
                }
            }
            open = (int) Arrays.stream(outcomes).filter(java.util.Objects::isNull).count();

            interval.merge(canary);
            record(canarySeries, filledCanary, t, mc);
            record(stableSeries, filledStable, t, ms);
            if (t % 60 == 0) {
                intervals++;
                for (int r = 0; r < 2 * LEVELS; r++) {
                    int slot = 1 + r;
                    if (outcomes[slot] != null) {
                        continue;
                    }
                    ThresholdRule rule = r < LEVELS ? ThresholdRule.flagger(r) : ThresholdRule.argo(r - LEVELS);
                    if (rule.fails(interval)) {
                        failed[r]++;
                    }
                    if (failed[r] > rule.failureLimit()) {
                        outcomes[slot] = degradedAt(t, degradeAt);
                        open--;
                    } else if (kase.healthy() && intervals == STEPS) {
                        outcomes[slot] = new Outcome(Double.NaN, false, t);
                        open--;
                    }
                }
                interval = new VersionStats();
                List<MannWhitneyJudge.Series> series = List.of(
                        series("5xx", canarySeries[0], filledCanary[0], stableSeries[0], filledStable[0], true),
                        series("latency", canarySeries[1], filledCanary[1], stableSeries[1], filledStable[1], false),
                        series("accuracy-loss", canarySeries[2], filledCanary[2], stableSeries[2], filledStable[2], true));
                for (int a = 0; a < ALPHAS_LENGTH; a++) {
                    int slot = 1 + 2 * LEVELS + a;
                    if (outcomes[slot] != null) {
                        continue;
                    }
                    if (MannWhitneyJudge.kayenta(KAYENTA[a][0], KAYENTA[a][1]).fails(series)) {
                        outcomes[slot] = degradedAt(t, degradeAt);
                        open--;
                    } else if (kase.healthy() && ++kayentaPassed[a] == STEPS) {
                        outcomes[slot] = new Outcome(Double.NaN, false, t);
                        open--;
                    }
                }
                Arrays.fill(filledCanary, 0);
                Arrays.fill(filledStable, 0);
            }
        }
        for (int i = 0; i < rules; i++) {
            if (outcomes[i] == null) {
                outcomes[i] = none;
            }
        }
        return outcomes;
    }

    /** Only the feedback labels of one second (all the release's trailing ranges are judged on). */
    private static VersionStats labels(BurstyTraffic.SecondMetrics m) {
        VersionStats labels = new VersionStats();
        for (long i = 0; i < m.labelled(); i++) {
            labels.addFeedback(i < m.correct());
        }
        return labels;
    }

    static int oracleSlot(int metric, int h) {
        return ORACLE_FROM + metric * ORACLE_H.length + h;
    }

    /**
     * The clairvoyant reference: Page's CUSUM per metric on the canary's own per-second data, with
     * the log-likelihood ratio of the exact degraded model against the exact healthy one (it knows
     * stable's true rates and the size of the coming degradation, and needs no minimum sample):
     * server errors 1 % → 5 % among the requests, latency every answer x1.5 knowing each answer's
     * kind of work, wrong labels 10 % → 20 %. Page's CUSUM is optimal for a change at an unknown
     * time (Lorden, Moustakides) and this one knows more than any real detector can, so its detection
     * time, at thresholds tuned to the same A/A false-rollback budget, is a practical bound on what
     * any detector can reach on this traffic.
     */
    private static void oracles(Case kase, int t, int degradeAt, VersionStats canary, BurstyTraffic.SecondMetrics mc, double[] cusum,
                                Outcome[] outcomes) {
        double e0 = BASE_ERRORS;
        double e1 = 0.05;
        double w0 = 1 - BASE_ACCURACY;
        double w1 = 0.20;
        long n = canary.requests();
        long k = canary.errors();
        long wrong = mc.labelled() - mc.correct();
        double[] increments = {
                k * Math.log(e1 / e0) + (n - k) * Math.log((1 - e1) / (1 - e0)),
                mc.latencyShiftLlr(),
                wrong * Math.log(w1 / w0) + mc.correct() * Math.log((1 - w1) / (1 - w0))};
        for (int m = 0; m < ORACLE_METRICS.length; m++) {
            if (!kase.oracleRuns(m)) {
                continue;
            }
            cusum[m] = Math.max(0, cusum[m] + increments[m]);
            for (int h = 0; h < ORACLE_H.length; h++) {
                int slot = oracleSlot(m, h);
                if (outcomes[slot] == null && cusum[m] >= ORACLE_H[h]) {
                    outcomes[slot] = degradedAt(t, degradeAt);
                }
            }
        }
    }

    /** Appends one second's points: 5xx share, mean latency of answered requests, share of wrong labels (each when defined). */
    private static void record(double[][] series, int[] filled, int t, BurstyTraffic.SecondMetrics m) {
        if (m.requests() > 0) {
            series[0][filled[0]++] = (double) m.fiveXx() / m.requests();
        }
        if (m.answered() > 0) {
            series[1][filled[1]++] = m.latencySum() / m.answered();
        }
        if (m.labelled() > 0) {
            series[2][filled[2]++] = 1 - (double) m.correct() / m.labelled();
        }
    }

    private static MannWhitneyJudge.Series series(String metric, double[] canary, int nc, double[] stable, int ns, boolean rate) {
        return new MannWhitneyJudge.Series(metric, Arrays.copyOf(canary, nc), Arrays.copyOf(stable, ns), rate);
    }

    private static Outcome degradedAt(int t, int degradeAt) {
        return t <= degradeAt ? new Outcome(Double.NaN, true, Double.NaN) : new Outcome(t - degradeAt, false, Double.NaN);
    }

    static void run(int releases, long seed, int aaReleases) {
        CanaryPolicy policy = policy();
        List<Case> cases = List.of(new Case("healthy (A/A)", BASE_ERRORS, 1.0, BASE_ACCURACY, true),
                new Case("error 1% -> 5%", 0.05, 1.0, BASE_ACCURACY, false),
                new Case("latency p99 +50%", BASE_ERRORS, 1.5, BASE_ACCURACY, false),
                new Case("accuracy 90% -> 80%", BASE_ERRORS, 1.0, 0.8, false));
        System.out.printf(Locale.ROOT, "%nBursty study: %d A/A releases and %d releases per degradation, seed %d; canary %.0f req/s, stable %.0f req/s,"
                        + " %.0f%% server errors, %.0f%% caller errors, bursts of big inputs (x%.0f slower, %.0f%% of requests, %.0f%% refusals)"
                        + " both sides see, %.0f%% of answers labelled (accuracy %.0f%%); false-rollback budget %.1f%%%n", aaReleases, releases, seed,
                CANARY_RPS, STABLE_RPS, 100 * BASE_ERRORS, 100 * BurstyTraffic.CALLER_ERRORS, BurstyTraffic.BIG_SLOWDOWN,
                100 * BurstyTraffic.BIG_SHARE_IN_BURST, 100 * BurstyTraffic.REFUSALS_IN_BURST, 100 * BurstyTraffic.LABELLED, 100 * BASE_ACCURACY,
                100 * FALSE_ROLLBACK_BUDGET);
        System.out.println("sluice: " + policy);
        long started = System.nanoTime();
        List<List<Outcome[]>> results = new ArrayList<>();
        for (int c = 0; c < cases.size(); c++) {
            int n = cases.get(c).healthy() ? aaReleases : releases;
            List<Outcome[]> perRelease = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                perRelease.add(simulate(cases.get(c), seed * 1_000_003L + c * 10_007L + i, policy));
            }
            results.add(perRelease);
        }
        // calibration on the A/A case: the most sensitive setting of each rule within the budget
        List<Outcome[]> aa = results.get(0);
        int flagger = pick(aa, 1, LEVELS, aaReleases);
        int argo = pick(aa, 1 + LEVELS, LEVELS, aaReleases);
        int kayenta = fastest(results, 1 + 2 * LEVELS, ALPHAS_LENGTH, aaReleases);
        int[] oracle = new int[ORACLE_METRICS.length];
        for (int m = 0; m < oracle.length; m++) {
            oracle[m] = pick(aa, oracleSlot(m, 0), ORACLE_H.length, aaReleases);
        }
        System.out.println("A/A false rollbacks by setting (compared: flagger and argo at the first level within the budget, kayenta the fastest"
                + " setting within it, each oracle at its lowest threshold within it):");
        System.out.printf(Locale.ROOT, "  sluice: %s%n", falseRate(aa, 0));
        for (int k = 0; k < LEVELS; k++) {
            System.out.printf(Locale.ROOT, "  %-90s %s%s%n", ThresholdRule.flagger(k).settings(), falseRate(aa, 1 + k), k == flagger ? "  <- compared" : "");
        }
        for (int k = 0; k < LEVELS; k++) {
            System.out.printf(Locale.ROOT, "  %-90s %s%s%n", ThresholdRule.argo(k).settings(), falseRate(aa, 1 + LEVELS + k), k == argo ? "  <- compared" : "");
        }
        for (int a = 0; a < ALPHAS_LENGTH; a++) {
            System.out.printf(Locale.ROOT, "  %-90s %s%s%n", MannWhitneyJudge.kayenta(KAYENTA[a][0], KAYENTA[a][1]).settings(),
                    falseRate(aa, 1 + 2 * LEVELS + a),
                    a == kayenta ? "  <- compared" : "");
        }
        for (int m = 0; m < oracle.length; m++) {
            int chosen = oracle[m];
            System.out.printf(Locale.ROOT, "  oracle CUSUM on %-8s (knows both models), over %d s: at h %.2f %s%s%n", ORACLE_METRICS[m], STEPS * 60,
                    chosen < 0 ? ORACLE_H[ORACLE_H.length - 1] : ORACLE_H[chosen],
                    falseRate(aa, oracleSlot(m, chosen < 0 ? ORACLE_H.length - 1 : chosen)),
                    chosen > 0 ? String.format(Locale.ROOT, " (at h %.2f: %s)", ORACLE_H[chosen - 1], falseRate(aa, oracleSlot(m, chosen - 1))) : "");
        }
        int[] slots = {0, flagger < 0 ? -1 : 1 + flagger, argo < 0 ? -1 : 1 + LEVELS + argo, kayenta < 0 ? -1 : 1 + 2 * LEVELS + kayenta};
        String[] names = {"sluice", "flagger", "argo", "kayenta"};
        System.out.printf(Locale.ROOT, "%-20s %-8s %10s %9s %9s %16s %16s%n", "case", "rule", "detected", "p50 s", "p95 s",
                "false rollbacks", "promoted p50/p95");
        for (int c = 0; c < cases.size(); c++) {
            Case kase = cases.get(c);
            double[] p95 = new double[slots.length];
            for (int r = 0; r < slots.length; r++) {
                if (slots[r] < 0) {
                    System.out.printf(Locale.ROOT, "%-20s %-8s no setting within the budget%n", kase.name(), names[r]);
                    p95[r] = Double.NaN;
                    continue;
                }
                p95[r] = print(kase, names[r], results.get(c), slots[r]);
            }
            if (!kase.healthy()) {
                int m = kase.errors() != BASE_ERRORS ? 0 : kase.latency() != 1.0 ? 1 : 2;
                double oracleP95 = oracle[m] < 0 ? Double.NaN : print(kase, "oracle", results.get(c), oracleSlot(m, oracle[m]));
                System.out.printf(Locale.ROOT, "%-20s p95 speed-up of sluice: x%.1f vs flagger, x%.1f vs argo, x%.1f vs kayenta;"
                                + " the oracle's: x%.1f vs kayenta (a practical ceiling at this budget), sluice at %.0f%% of the oracle's speed%n", "",
                        p95[1] / p95[0], p95[2] / p95[0], p95[3] / p95[0], p95[3] / oracleP95, 100 * oracleP95 / p95[0]);
            }
        }
        System.out.printf(Locale.ROOT, "(bursty study simulated in %.1f s)%n", (System.nanoTime() - started) / 1e9);
    }

    /**
     * The service's defaults, or, for tuning runs (on other seeds than the reported ones), those with
     * {@code -Dharness.policy=name=value,...} overriding components of {@link CanaryPolicy} by name.
     */
    static CanaryPolicy policy() {
        CanaryPolicy defaults = CanaryPolicy.defaults();
        String overrides = System.getProperty("harness.policy", "");
        if (overrides.isBlank()) {
            return defaults;
        }
        java.util.Map<String, String> values = new java.util.HashMap<>();
        for (String pair : overrides.split(",")) {
            String[] kv = pair.split("=", 2);
            values.put(kv[0].trim(), kv[1].trim());
        }
        try {
            var components = CanaryPolicy.class.getRecordComponents();
            Object[] args = new Object[components.length];
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                String value = values.remove(components[i].getName());
                args[i] = value == null ? components[i].getAccessor().invoke(defaults)
                        : types[i] == long.class ? (Object) Long.parseLong(value) : (Object) Double.parseDouble(value);
            }
            if (!values.isEmpty()) {
                throw new IllegalArgumentException("no such policy setting: " + values.keySet());
            }
            return CanaryPolicy.class.getDeclaredConstructor(types).newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first setting (most sensitive first) whose A/A false-rollback rate is within the budget; -1 if none. */
    private static int pick(List<Outcome[]> aa, int from, int count, int releases) {
        for (int i = 0; i < count; i++) {
            int slot = from + i;
            long falses = aa.stream().filter(o -> o[slot].falseRollback()).count();
            if (falses <= FALSE_ROLLBACK_BUDGET * releases) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Of the settings within the budget on the A/A case, the one with the smallest sum of p95
     * detection times over the degradation cases (tuned in the baseline's favour); -1 if none.
     */
    private static int fastest(List<List<Outcome[]>> results, int from, int count, int releases) {
        int best = -1;
        double bestSum = Double.POSITIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            int slot = from + i;
            long falses = results.get(0).stream().filter(o -> o[slot].falseRollback()).count();
            if (falses > FALSE_ROLLBACK_BUDGET * releases) {
                continue;
            }
            double sum = 0;
            for (int c = 1; c < results.size(); c++) {
                sum += p95(results.get(c), slot);
            }
            if (sum < bestSum) {
                bestSum = sum;
                best = i;
            }
        }
        return best;
    }

    private static double p95(List<Outcome[]> outcomes, int slot) {
        int n = outcomes.size();
        long falses = outcomes.stream().filter(o -> o[slot].falseRollback()).count();
        double[] detected = outcomes.stream().mapToDouble(o -> o[slot].detectedAfter()).filter(d -> !Double.isNaN(d)).sorted().toArray();
        double[] all = Arrays.copyOf(detected, n - (int) falses);
        Arrays.fill(all, detected.length, all.length, Double.POSITIVE_INFINITY);
        return CanaryHarness.percentile(all, 0.95);
    }

    private static String falseRate(List<Outcome[]> outcomes, int slot) {
        long falses = outcomes.stream().filter(o -> o[slot].falseRollback()).count();
        return String.format(Locale.ROOT, "%d/%d (%.1f%%)", falses, outcomes.size(), 100.0 * falses / outcomes.size());
    }

    private static double print(Case kase, String rule, List<Outcome[]> outcomes, int slot) {
        int n = outcomes.size();
        long falses = outcomes.stream().filter(o -> o[slot].falseRollback()).count();
        double[] detected = outcomes.stream().mapToDouble(o -> o[slot].detectedAfter()).filter(d -> !Double.isNaN(d)).sorted().toArray();
        double[] promoted = outcomes.stream().mapToDouble(o -> o[slot].promotedAt()).filter(d -> !Double.isNaN(d)).sorted().toArray();
        String falseText = String.format(Locale.ROOT, "%d (%.1f%%)", falses, 100.0 * falses / n);
        if (kase.healthy()) {
            System.out.printf(Locale.ROOT, "%-20s %-8s %10s %9s %9s %16s %16s%n", kase.name(), rule, "-", "-", "-", falseText,
                    String.format(Locale.ROOT, "%.0f/%.0f s", CanaryHarness.percentile(promoted, 0.5), CanaryHarness.percentile(promoted, 0.95)));
            return Double.NaN;
        }
        double[] all = Arrays.copyOf(detected, n - (int) falses);
        Arrays.fill(all, detected.length, all.length, Double.POSITIVE_INFINITY);
        System.out.printf(Locale.ROOT, "%-20s %-8s %10s %9.0f %9.0f %16s %16s%n", kase.name(), rule, detected.length + "/" + n,
                CanaryHarness.percentile(all, 0.5), CanaryHarness.percentile(all, 0.95), falseText, "-");
        return CanaryHarness.percentile(all, 0.95);
    }
}
