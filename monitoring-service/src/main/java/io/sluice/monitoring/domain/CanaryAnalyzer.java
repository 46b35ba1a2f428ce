package io.sluice.monitoring.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Judges a canary (or a shadow, or a new production version) against the version it would
 * replace over the same time range, metric by metric. Only server errors count against a version;
 * capacity refusals can hold a verdict but never degrade it, and caller errors are left out
 * ({@link ServedRequest.Kind}). Error rate and latency are compared like with like: per
 * {@link Strata stratum} (batch size, input size), against stable's own rate and quantiles on the
 * same kind of work. HEALTHY needs at least {@link CanaryPolicy#minSamples()} requests on both
 * sides, the gating tests to pass, no excess of capacity refusals and, for a release step, the
 * step's minimum duration; any failed check makes the verdict DEGRADED; everything else is
 * INCONCLUSIVE. Confidence and prediction shift can fail a canary but do not hold it; accuracy
 * (judged on the whole release's feedback labels) holds only the final step, once labels suffice.
 * Beside the totals, a release step's error rate, latency and accuracy are judged on trailing
 * ranges ({@link Recent}) with a share of alpha, so that a change late in a long step is not
 * diluted by the healthy traffic before it; a trailing range can only fail a metric.
 */
public final class CanaryAnalyzer {

    static final String ERROR_RATE = "error-rate";
    static final String LATENCY_P95 = "latency-p95";
    static final String LATENCY_P99 = "latency-p99";
    static final String CONFIDENCE = "confidence";
    static final String ACCURACY = "accuracy";
    static final String PREDICTION_PSI = "prediction-psi";
    static final String CAPACITY = "capacity";
    static final String AGREEMENT = "agreement";

    private static final List<String> RATE_AND_LATENCY = List.of(ERROR_RATE, LATENCY_P95, LATENCY_P99);

    private final CanaryPolicy policy;

    public CanaryAnalyzer(CanaryPolicy policy) {
        this.policy = policy;
    }

    public CanaryPolicy policy() {
        return policy;
    }

    /** The verdict on {@code canary} against {@code stable}, both aggregated over the same range, with no step minimum. */
    public Verdict analyze(VersionStats canary, VersionStats stable) {
        return analyze(canary, stable, 0, Long.MAX_VALUE);
    }

    /**
     * The verdict on a canary release step.
     *
     * @param canary     the canary's requests of the step
     * @param stable     stable's requests over the same range
     * @param beforeStep requests of either side left out because they were served under an older routing revision
     * @param stepMillis how long the step has run (a healthy verdict waits for {@link CanaryPolicy#minStepMillis()})
     */
    public Verdict analyze(VersionStats canary, VersionStats stable, long beforeStep, long stepMillis) {
        return analyze(canary, stable, beforeStep, stepMillis, canary, stable, true);
    }

    /**
     * The verdict on a canary release step, with accuracy judged on the feedback labels of the whole
     * release so far ({@code canaryRelease}, {@code stableRelease}: every step since the candidate
     * went out): accuracy does not move with the traffic weights, so its evidence accumulates across
     * steps. At the release's final step, once both sides have {@link CanaryPolicy#minLabels()}
     * labels, accuracy gates a healthy verdict like error rate and latency (a release whose labels
     * flow is not promoted past an undecided accuracy); otherwise it can only fail. Earlier steps do
     * not wait for it: a step held long makes its sequential tests slow to see a later degradation.
     */
    public Verdict analyze(VersionStats canary, VersionStats stable, long beforeStep, long stepMillis, VersionStats canaryRelease,
                           VersionStats stableRelease, boolean finalStep) {
        return analyze(canary, stable, beforeStep, stepMillis, canaryRelease, stableRelease, finalStep, null);
    }

    /**
     * As above, with the recent judgement beside the totals (when the policy {@link CanaryPolicy#judgesRecent() judges
     * recent traffic}): error rate and latency on each of the step's trailing ranges, accuracy on each of the release's,
     * each the same like-with-like comparison against stable over the same range, with at least
     * {@link CanaryPolicy#minSamples()} requests ({@link CanaryPolicy#minLabels()} labels) on both sides. A trailing range can
     * only fail a metric, never pass it; its failure replaces the totals' check of that metric. Alpha is split: the totals'
     * tests run at {@link CanaryPolicy#totalsAlpha()}, each trailing range at the recent share divided by
     * {@link Recent#ranges()}.
     *
     * @param recent the trailing ranges, null when there is no recent judgement (the totals then get the whole alpha)
     */
    public Verdict analyze(VersionStats canary, VersionStats stable, long beforeStep, long stepMillis, VersionStats canaryRelease,
                           VersionStats stableRelease, boolean finalStep, Recent recent) {
        boolean judgesRecent = recent != null && policy.judgesRecent();
        double alpha = judgesRecent ? policy.totalsAlpha() : policy.alpha();
        List<Check> checks = new ArrayList<>(7);
        checks.add(errorRate(canary, stable, alpha));
        checks.add(latency(canary, stable, 0.95, LATENCY_P95, alpha));
        checks.add(latency(canary, stable, 0.99, LATENCY_P99, alpha));
        checks.add(confidence(canary, stable));
        checks.add(accuracy(canaryRelease, stableRelease, alpha));
        checks.add(predictionShift(canary, stable));
        checks.add(capacity(canary, stable));
        if (judgesRecent) {
            recent(checks, recent);
        }
        List<String> gating = finalStep ? gating(canaryRelease, stableRelease, RATE_AND_LATENCY) : RATE_AND_LATENCY;
        return judge(checks, gating, canary, stable, beforeStep, stepMillis, "canary", "stable");
    }

    /**
     * The recent judgement: for error rate, both latencies and accuracy not failed on the totals, the
     * shortest trailing range on which the metric fails replaces the totals' check.
     */
    private void recent(List<Check> checks, Recent recent) {
        double alpha = policy.alpha() * policy.recentAlphaShare() / Math.max(1, recent.ranges());
        for (int i = 0; i < checks.size(); i++) {
            Check total = checks.get(i);
            if (total.decision() == Decision.FAIL) {
                continue;
            }
            String metric = total.metric();
            boolean labels = metric.equals(ACCURACY);
            if (!labels && !RATE_AND_LATENCY.contains(metric)) {
                continue;
            }
            for (Recent.Span span : labels ? recent.release() : recent.step()) {
                VersionStats c = span.candidate();
                VersionStats s = span.baseline();
                if (labels ? c.labelled() < policy.minLabels() || s.labelled() < policy.minLabels()
                        : c.requests() < policy.minSamples() || s.requests() < policy.minSamples()) {
                    continue;
                }
                Check check = switch (metric) {
                    case ERROR_RATE -> errorRate(c, s, alpha);
                    case LATENCY_P95 -> latency(c, s, 0.95, LATENCY_P95, alpha);
                    case LATENCY_P99 -> latency(c, s, 0.99, LATENCY_P99, alpha);
                    default -> accuracy(c, s, alpha);
                };
                if (check.decision() == Decision.FAIL) {
                    checks.set(i, new Check(check.metric(), check.candidateValue(), check.baselineValue(), check.candidateSamples(),
                            check.baselineSamples(), check.statistic(), check.threshold(), Decision.FAIL, String.format(Locale.ROOT,
                            "over the last %.0f s of the %s (against stable over the same range, alpha %.2g): %s", span.millis() / 1000.0,
                            labels ? "release" : "step", alpha, check.reason())));
                    break;
                }
            }
        }
    }

    /** The gating metrics, plus accuracy once both sides have enough labels for it to be decided. */
    private List<String> gating(VersionStats candidate, VersionStats baseline, List<String> base) {
        if (candidate.labelled() < policy.minLabels() || baseline.labelled() < policy.minLabels()) {
            return base;
        }
        List<String> gating = new ArrayList<>(base);
        gating.add(ACCURACY);
        return gating;
    }

    /**
     * The verdict on a shadow (it answers nobody; it gets a copy of the requests the stable version
     * answers): errors and latency as a canary's, plus how often its answers agree with stable's on
     * the same requests, which gates as well; accuracy on feedback when labels exist.
     */
    public Verdict analyzeShadow(VersionStats shadow, VersionStats stable, long beforeStep, long stepMillis) {
        List<Check> checks = new ArrayList<>(6);
        checks.add(errorRate(shadow, stable, policy.alpha()));
        checks.add(latency(shadow, stable, 0.95, LATENCY_P95, policy.alpha()));
        checks.add(latency(shadow, stable, 0.99, LATENCY_P99, policy.alpha()));
        checks.add(agreement(shadow));
        checks.add(accuracy(shadow, stable, policy.alpha()));
        checks.add(capacity(shadow, stable));
        return judge(checks, List.of(ERROR_RATE, LATENCY_P95, LATENCY_P99, AGREEMENT), shadow, stable, beforeStep, stepMillis,
                "shadow", "stable");
    }

    /**
     * The verdict on a production version against its predecessor's traffic from before the
     * promotion, with the same sequential tests on the same kinds of work: error rate and latency
     * only, which rolling back can fix. Accuracy, confidence and the predicted classes move with the
     * inputs between two stretches of time; drift detection judges those against the training data
     * and asks for retraining instead.
     */
    public Verdict analyzeAgainstPredecessor(VersionStats production, VersionStats predecessor) {
        List<Check> checks = new ArrayList<>(3);
        checks.add(errorRate(production, predecessor, policy.alpha()));
        checks.add(latency(production, predecessor, 0.95, LATENCY_P95, policy.alpha()));
        checks.add(latency(production, predecessor, 0.99, LATENCY_P99, policy.alpha()));
        return judge(checks, RATE_AND_LATENCY, production, predecessor, 0, Long.MAX_VALUE, "production", "predecessor");
    }

    /** DEGRADED on any failed check; HEALTHY when every gating check passed, capacity did not hold and the step ran long enough. */
    private Verdict judge(List<Check> checks, List<String> gating, VersionStats candidate, VersionStats baseline, long beforeStep,
                          long stepMillis, String role, String against) {
        long nc = candidate.requests();
        long ns = baseline.requests();
        Map<String, Long> excluded = excluded(candidate, baseline, beforeStep);
        String leftOut = excluded.isEmpty() ? "; nothing left out"
                : "; left out: " + excluded.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
        if (nc < policy.minSamples() || ns < policy.minSamples()) {
            return new Verdict(Verdict.Outcome.INCONCLUSIVE, checks, String.format(Locale.ROOT,
                    "too little traffic: %d %s and %d %s requests, %d needed on each side", nc, role, ns, against,
                    policy.minSamples()) + leftOut, nc, ns, excluded);
        }
        List<String> failed = checks.stream().filter(c -> c.decision() == Decision.FAIL).map(Check::metric).toList();
        if (!failed.isEmpty()) {
            return new Verdict(Verdict.Outcome.DEGRADED, checks, role + " is worse than " + against + " on " + String.join(", ", failed)
                    + leftOut, nc, ns, excluded);
        }
        List<String> open = new ArrayList<>(checks.stream().filter(c -> gating.contains(c.metric()) && c.decision() != Decision.PASS)
                .map(Check::metric).toList());
        checks.stream().filter(c -> c.metric().equals(CAPACITY) && c.decision() != Decision.PASS).forEach(c -> open.add(c.reason()));
        if (!open.isEmpty()) {
            return new Verdict(Verdict.Outcome.INCONCLUSIVE, checks, "not yet decided: " + String.join(", ", open) + leftOut, nc, ns,
                    excluded);
        }
        if (stepMillis < policy.minStepMillis()) {
            return new Verdict(Verdict.Outcome.INCONCLUSIVE, checks, String.format(Locale.ROOT,
                    "no worse than %s so far, but the step has run %.1f s of its %.1f s minimum", against, stepMillis / 1000.0,
                    policy.minStepMillis() / 1000.0) + leftOut, nc, ns, excluded);
        }
        return new Verdict(Verdict.Outcome.HEALTHY, checks, role + " is not worse than " + against + " on any metric" + leftOut, nc, ns,
                excluded);
    }

    private static Map<String, Long> excluded(VersionStats candidate, VersionStats baseline, long beforeStep) {
        Map<String, Long> excluded = new LinkedHashMap<>();
        put(excluded, Verdict.CLIENT_ERROR, candidate.clientErrors() + baseline.clientErrors());
        put(excluded, Verdict.CAPACITY, candidate.capacityRefusals() + baseline.capacityRefusals());
        put(excluded, Verdict.BEFORE_STEP, beforeStep);
        put(excluded, Verdict.FLAGGED_INPUT, candidate.flaggedInputs() + baseline.flaggedInputs());
        return excluded;
    }

    private static void put(Map<String, Long> map, String key, long n) {
        if (n > 0) {
            map.put(key, n);
        }
    }

    /**
     * Wald SPRT on the candidate's server errors, stratum by stratum: in a stratum where stable has
     * at least min-samples requests the null rate is stable's own rate there plus the tolerance,
     * elsewhere stable's overall rate plus the tolerance (never above the ceiling); the
     * log-likelihood ratios of the strata add up.
     */
    private Check errorRate(VersionStats canary, VersionStats stable, double alpha) {
        long nc = canary.requests();
        long ns = stable.requests();
        double pc = canary.errorRate();
        double ps = stable.errorRate();
        if (ns < policy.minSamples()) {
            return new Check(ERROR_RATE, pc, ns == 0 ? null : ps, nc, ns, null, policy.errorRateCeiling(),
                    Decision.INCONCLUSIVE, "stable has too few requests to compare with");
        }
        double pooledP0 = nullRate(ps);
        Sprt pooled = new Sprt(pooledP0, alternative(pooledP0), alpha, policy.beta());
        double llr = 0;
        int own = 0;
        for (String stratum : canary.strata()) {
            long n = canary.stratumRequests(stratum);
            if (n == 0) {
                continue;
            }
            long stableN = stable.stratumRequests(stratum);
            Sprt test = pooled;
            if (stableN >= policy.minSamples()) {
                double p0 = nullRate((double) stable.stratumErrors(stratum) / stableN);
                test = new Sprt(p0, alternative(p0), alpha, policy.beta());
                own++;
            }
            llr += test.logLikelihoodRatio(canary.stratumErrors(stratum), n);
        }
        Decision decision = pooled.decide(llr);
        return new Check(ERROR_RATE, pc, ps, nc, ns, llr, pooledP0, decision, String.format(Locale.ROOT,
                "SPRT %.2f%% vs %.2f%% (stable %.2f%%) over %d kind(s) of work, %d against stable's own rate there: LLR %.2f, %s at ≥ %.2f, pass at ≤ %.2f",
                100 * pooled.p1(), 100 * pooledP0, 100 * ps, canary.strata().size(), own, llr,
                decision == Decision.FAIL ? "failed" : "fails", pooled.upper(), pooled.lower()));
    }

    private double nullRate(double stableRate) {
        return Math.max(Math.min(stableRate + policy.errorRateTolerance(), policy.errorRateCeiling()), 1e-4);
    }

    private double alternative(double p0) {
        return Math.min(p0 + policy.errorRateDegradation() - policy.errorRateTolerance(), 0.999);
    }

    /**
     * SPRT on the share of candidate requests slower than stable's quantile plus the tolerance, each
     * request held to stable's quantile on the same kind of work (stratum). Strata where stable has
     * fewer than min-samples latencies cannot be compared and are left out of this test (named in the
     * reason): a burst of inputs only one side saw says nothing about either.
     */
    private Check latency(VersionStats canary, VersionStats stable, double q, String metric, double alpha) {
        long nc = canary.latencySamples();
        long ns = stable.latencySamples();
        double cq = canary.latencyQuantile(q);
        double sq = stable.latencyQuantile(q);
        if (ns < policy.minSamples() || nc == 0) {
            return new Check(metric, cq, ns == 0 ? null : sq, nc, ns, null, policy.latencyCeilingMs(), Decision.INCONCLUSIVE,
                    "too few latencies to compare");
        }
        double tail = 1 - q;
        double p0 = tail * policy.latencyTailTolerance();
        double p1 = Math.min(tail * policy.latencyTailDegradation(), 0.999);
        Sprt test = new Sprt(p0, p1, alpha, policy.beta());
        long matched = 0;
        long above = 0;
        long unmatched = 0;
        long largest = -1;
        double mainLimit = policy.latencyLimit(sq);
        double mainStable = sq;
        for (String stratum : canary.strata()) {
            long n = canary.stratumLatencySamples(stratum);
            if (n == 0) {
                continue;
            }
            if (stable.stratumLatencySamples(stratum) < policy.minSamples()) {
                unmatched += n;
                continue;
            }
            double stableQuantile = stable.stratumLatencyQuantile(stratum, q);
            double limit = policy.latencyLimit(stableQuantile);
            above += canary.stratumLatenciesAbove(stratum, limit);
            matched += n;
            if (n > largest) {
                largest = n;
                mainLimit = limit;
                mainStable = stableQuantile;
            }
        }
        String unmatchedText = unmatched == 0 ? "" : String.format(Locale.ROOT,
                "; %d latencies of kinds of work stable has too few of were not compared", unmatched);
        if (matched == 0) {
            return new Check(metric, cq, sq, 0, ns, null, mainLimit, Decision.INCONCLUSIVE,
                    "no kind of work with enough stable latencies to compare" + unmatchedText);
        }
        double llr = test.logLikelihoodRatio(above, matched);
        Decision decision = test.decide(llr);
        return new Check(metric, cq, sq, matched, ns, llr, mainLimit, decision, String.format(Locale.ROOT,
                "%.2f%% of %s requests above stable's p%d plus tolerance on the same kind of work (main kind: %.1f ms, stable %.1f ms);"
                        + " SPRT %.1f%% vs %.1f%%: LLR %.2f, fails at ≥ %.2f, pass at ≤ %.2f%s",
                100.0 * above / matched, "candidate", Math.round(q * 100), mainLimit, mainStable, 100 * p1, 100 * p0, llr, test.upper(),
                test.lower(), unmatchedText));
    }

    /** Capacity refusals never fail a candidate; an excess over stable's holds it (INCONCLUSIVE) instead of letting it pass. */
    private Check capacity(VersionStats canary, VersionStats stable) {
        double rc = canary.capacityRate();
        double rs = stable.capacityRate();
        long nc = canary.requests() + canary.capacityRefusals();
        long ns = stable.requests() + stable.capacityRefusals();
        double limit = rs + policy.capacityTolerance();
        boolean holds = rc > limit;
        return new Check(CAPACITY, rc, rs, nc, ns, null, limit, holds ? Decision.INCONCLUSIVE : Decision.PASS, String.format(Locale.ROOT,
                "capacity refusals %.1f%% vs stable %.1f%%%s", 100 * rc, 100 * rs,
                holds ? String.format(Locale.ROOT, ", above %.1f%%: holding (refusals are never a degradation)", 100 * limit) : ""));
    }

    /** Share of shadow answers agreeing with the answering version's on the same requests, held to the minimum agreement. */
    private Check agreement(VersionStats shadow) {
        long n = shadow.compared();
        double min = policy.minAgreement();
        if (n < policy.minSamples()) {
            return new Check(AGREEMENT, n == 0 ? Double.NaN : (double) shadow.agreed() / n, null, n, 0, null, min, Decision.INCONCLUSIVE,
                    String.format(Locale.ROOT, "%d shadow answers compared with stable's, %d needed", n, policy.minSamples()));
        }
        double rate = (double) shadow.agreed() / n;
        double p = (shadow.agreed() + 1.0) / (n + 2.0);
        double half = ConfidenceSequence.halfWidth(p * (1 - p) / n, 0.05, policy.alpha());
        Decision decision = rate + half < min ? Decision.FAIL : rate - half >= min ? Decision.PASS : Decision.INCONCLUSIVE;
        return new Check(AGREEMENT, rate, null, n, 0, rate - half, min, decision, String.format(Locale.ROOT,
                "shadow agreed with stable on %.2f%% of %d requests, always-valid interval [%.4f, %.4f]; fails below %.2f",
                100 * rate, n, rate - half, rate + half, min));
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
        return dropCheck(CONFIDENCE, mc, ms, nc, ns, variance, policy.confidenceTolerance(), policy.alpha());
    }

    private Check accuracy(VersionStats canary, VersionStats stable, double alpha) {
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
        return dropCheck(ACCURACY, ac, as, lc, ls, variance, policy.accuracyTolerance(), alpha);
    }

    /** FAIL when the drop is above tolerance and significantly above zero; PASS when surely below tolerance. */
    private Check dropCheck(String metric, double candidate, double baseline, long nc, long ns, double variance,
                            double tolerance, double alpha) {
        double drop = baseline - candidate;
        double half = ConfidenceSequence.halfWidth(variance, tolerance, alpha);
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
                drop, 100 * (1 - alpha), drop - half, drop + half, tolerance));
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
