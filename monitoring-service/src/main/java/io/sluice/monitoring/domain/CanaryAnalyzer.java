package io.sluice.monitoring.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Judges a canary against the stable version serving beside it over the same time range, metric
 * by metric. HEALTHY needs at least {@link CanaryPolicy#minSamples()} requests on both sides and
 * the error-rate and both latency tests to pass; any failed check makes the verdict DEGRADED;
 * everything else is INCONCLUSIVE. Confidence, accuracy and prediction shift can fail a canary but
 * do not hold it when they lack evidence (feedback labels may be scarce).
 */
public final class CanaryAnalyzer {

    static final String ERROR_RATE = "error-rate";
    static final String LATENCY_P95 = "latency-p95";
    static final String LATENCY_P99 = "latency-p99";
    static final String CONFIDENCE = "confidence";
    static final String ACCURACY = "accuracy";
    static final String PREDICTION_PSI = "prediction-psi";

    private final CanaryPolicy policy;

    public CanaryAnalyzer(CanaryPolicy policy) {
        this.policy = policy;
    }

    public CanaryPolicy policy() {
        return policy;
    }

    /** The verdict on {@code canary} against {@code stable}, both aggregated over the same range. */
    public Verdict analyze(VersionStats canary, VersionStats stable) {
        List<Check> checks = new ArrayList<>(6);
        checks.add(errorRate(canary, stable));
        checks.add(latency(canary, stable, 0.95, LATENCY_P95));
        checks.add(latency(canary, stable, 0.99, LATENCY_P99));
        checks.add(confidence(canary, stable));
        checks.add(accuracy(canary, stable));
        checks.add(predictionShift(canary, stable));
        return judge(checks, canary, stable, "canary", "stable");
    }

    /**
     * The verdict on a production version against its predecessor's traffic from before the
     * promotion: error rate and latency only, which rolling back can fix. Accuracy, confidence and
     * the predicted classes move with the inputs between two stretches of time; drift detection
     * judges those against the training data and asks for retraining instead.
     */
    public Verdict analyzeAgainstPredecessor(VersionStats production, VersionStats predecessor) {
        List<Check> checks = new ArrayList<>(3);
        checks.add(errorRate(production, predecessor));
        checks.add(latency(production, predecessor, 0.95, LATENCY_P95));
        checks.add(latency(production, predecessor, 0.99, LATENCY_P99));
        return judge(checks, production, predecessor, "production", "predecessor");
    }

    /** DEGRADED on any failed check; HEALTHY when error rate and both latencies (the first three checks) passed. */
    private Verdict judge(List<Check> checks, VersionStats candidate, VersionStats baseline, String role, String against) {
        long nc = candidate.requests();
        long ns = baseline.requests();
        if (nc < policy.minSamples() || ns < policy.minSamples()) {
            return new Verdict(Verdict.Outcome.INCONCLUSIVE, checks, String.format(Locale.ROOT,
                    "too little traffic: %d %s and %d %s requests, %d needed on each side", nc, role, ns, against,
                    policy.minSamples()), nc, ns);
        }
        List<String> failed = checks.stream().filter(c -> c.decision() == Decision.FAIL).map(Check::metric).toList();
        if (!failed.isEmpty()) {
            return new Verdict(Verdict.Outcome.DEGRADED, checks, role + " is worse than " + against + " on " + String.join(", ", failed), nc, ns);
        }
        List<String> open = checks.subList(0, 3).stream().filter(c -> c.decision() != Decision.PASS).map(Check::metric)
                .toList();
        if (open.isEmpty()) {
            return new Verdict(Verdict.Outcome.HEALTHY, checks, role + " is not worse than " + against + " on any metric", nc, ns);
        }
        return new Verdict(Verdict.Outcome.INCONCLUSIVE, checks, "not yet decided: " + String.join(", ", open), nc, ns);
    }

    private Check errorRate(VersionStats canary, VersionStats stable) {
        long nc = canary.requests();
        long ns = stable.requests();
        double pc = canary.errorRate();
        double ps = stable.errorRate();
        if (ns < policy.minSamples()) {
            return new Check(ERROR_RATE, pc, ns == 0 ? null : ps, nc, ns, null, policy.errorRateCeiling(),
                    Decision.INCONCLUSIVE, "stable has too few requests to compare with");
        }
        double p0 = Math.min(ps + policy.errorRateTolerance(), policy.errorRateCeiling());
        p0 = Math.max(p0, 1e-4);
        double p1 = Math.min(p0 + policy.errorRateDegradation() - policy.errorRateTolerance(), 0.999);
        Sprt test = new Sprt(p0, p1, policy.alpha(), policy.beta());
        double llr = test.logLikelihoodRatio(canary.errors(), nc);
        Decision decision = test.decide(llr);
        return new Check(ERROR_RATE, pc, ps, nc, ns, llr, p0, decision, String.format(Locale.ROOT,
                "SPRT %.2f%% vs %.2f%% (stable %.2f%%): LLR %.2f, %s at ≥ %.2f, pass at ≤ %.2f",
                100 * p1, 100 * p0, 100 * ps, llr, decision == Decision.FAIL ? "failed" : "fails", test.upper(), test.lower()));
    }

    private Check latency(VersionStats canary, VersionStats stable, double q, String metric) {
        long nc = canary.latencySamples();
        long ns = stable.latencySamples();
        double cq = canary.latencyQuantile(q);
        double sq = stable.latencyQuantile(q);
        if (ns < policy.minSamples() || nc == 0) {
            return new Check(metric, cq, ns == 0 ? null : sq, nc, ns, null, policy.latencyCeilingMs(), Decision.INCONCLUSIVE,
                    "too few latencies to compare");
        }
        double limit = policy.latencyLimit(sq);
        double tail = 1 - q;
        double p0 = tail * policy.latencyTailTolerance();
        double p1 = Math.min(tail * policy.latencyTailDegradation(), 0.999);
        Sprt test = new Sprt(p0, p1, policy.alpha(), policy.beta());
        long above = canary.latenciesAbove(limit);
        double llr = test.logLikelihoodRatio(above, nc);
        Decision decision = test.decide(llr);
        return new Check(metric, cq, sq, nc, ns, llr, limit, decision, String.format(Locale.ROOT,
                "%.2f%% of canary requests above %.1f ms (stable p%d %.1f ms + tolerance); SPRT %.1f%% vs %.1f%%: LLR %.2f, fails at ≥ %.2f, pass at ≤ %.2f",
                100.0 * above / nc, limit, Math.round(q * 100), sq, 100 * p1, 100 * p0, llr, test.upper(), test.lower()));
    }

    private Check confidence(VersionStats canary, VersionStats stable) {
        long nc = canary.confidenceSamples();
        long ns = stable.confidenceSamples();
        double mc = canary.meanConfidence();
        double ms = stable.meanConfidence();
        if (nc < policy.minSamples() || ns < policy.minSamples()) {
            return new Check(CONFIDENCE, mc, Double.isNaN(ms) ? null : ms, nc, ns, null, policy.confidenceTolerance(),
                    Decision.INCONCLUSIVE, "too few confidences to compare");
        }
        double variance = canary.confidenceVariance() / nc + stable.confidenceVariance() / ns;
        return dropCheck(CONFIDENCE, mc, ms, nc, ns, variance, policy.confidenceTolerance());
    }

    private Check accuracy(VersionStats canary, VersionStats stable) {
        long lc = canary.labelled();
        long ls = stable.labelled();
        double ac = canary.accuracy();
        double as = stable.accuracy();
        if (lc < policy.minLabels() || ls < policy.minLabels()) {
            return new Check(ACCURACY, ac, Double.isNaN(as) ? null : as, lc, ls, null, policy.accuracyTolerance(),
                    Decision.INCONCLUSIVE, String.format(Locale.ROOT, "%d and %d feedback labels, %d needed on each side",
                            lc, ls, policy.minLabels()));
        }
        // shrink towards 1/2 so that a perfect score still has a variance
        double vc = (canary.correct() + 1.0) / (lc + 2.0);
        double vs = (stable.correct() + 1.0) / (ls + 2.0);
        double variance = vc * (1 - vc) / lc + vs * (1 - vs) / ls;
        return dropCheck(ACCURACY, ac, as, lc, ls, variance, policy.accuracyTolerance());
    }

    /** FAIL when the drop is above tolerance and significantly above zero; PASS when surely below tolerance. */
    private Check dropCheck(String metric, double candidate, double baseline, long nc, long ns, double variance,
                            double tolerance) {
        double drop = baseline - candidate;
        double half = ConfidenceSequence.halfWidth(variance, tolerance, policy.alpha());
        Decision decision;
        if (drop > tolerance && drop - half > 0) {
            decision = Decision.FAIL;
        } else if (drop + half < tolerance) {
            decision = Decision.PASS;
        } else {
            decision = Decision.INCONCLUSIVE;
        }
        return new Check(metric, candidate, baseline, nc, ns, drop - half, tolerance, decision, String.format(Locale.ROOT,
                "drop %.4f, always-valid %.1f%% interval [%.4f, %.4f]; fails above %.4f and significant, passes below",
                drop, 100 * (1 - policy.alpha()), drop - half, drop + half, tolerance));
    }

    private Check predictionShift(VersionStats canary, VersionStats stable) {
        var cc = canary.classCounts();
        var sc = stable.classCounts();
        long nc = cc.values().stream().mapToLong(Long::longValue).sum();
        long ns = sc.values().stream().mapToLong(Long::longValue).sum();
        int categories = (int) java.util.stream.Stream.concat(cc.keySet().stream(), sc.keySet().stream()).distinct().count();
        // PSI is noisy on sparse categories: ask for about 30 answers per category on each side
        long needed = Math.max(policy.minSamples(), 30L * categories);
        if (nc < needed || ns < needed) {
            return new Check(PREDICTION_PSI, Double.NaN, null, nc, ns, null, policy.psiThreshold(), Decision.INCONCLUSIVE,
                    String.format(Locale.ROOT, "%d and %d predicted classes, %d needed on each side", nc, ns, needed));
        }
        double psi = Psi.of(cc, sc);
        // PSI·n_eff is about chi-square(categories - 1) without a shift: demand significance as well as size
        double significant = Psi.chiSquareQuantile(Math.max(1, categories - 1), policy.alpha() / 100) * (1.0 / nc + 1.0 / ns);
        Decision decision;
        if (psi > policy.psiThreshold() && psi > significant) {
            decision = Decision.FAIL;
        } else if (psi <= policy.psiThreshold()) {
            decision = Decision.PASS;
        } else {
            decision = Decision.INCONCLUSIVE;
        }
        return new Check(PREDICTION_PSI, psi, 0.0, nc, ns, psi, policy.psiThreshold(), decision, String.format(Locale.ROOT,
                "PSI of canary's predicted classes against stable's %.4f; fails above %.2f when beyond chance (%.4f)",
                psi, policy.psiThreshold(), significant));
    }
}
