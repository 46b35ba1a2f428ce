package io.sluice.monitoring.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compares a production version's live traffic with its training reference and reports each kind
 * of drift found. Nothing is judged before the live traffic has {@link DriftPolicy#minSamples()}
 * requests spread over at least {@link DriftPolicy#minSpanMillis()}. Inputs are judged on
 * statistics a handful of requests cannot move: the live median's distance from the training mean
 * in training standard deviations, and the PSI of the live values binned by the training
 * distribution with both tails clipped into the outer bins — both must exceed their limits. Flagged
 * inputs never enter these statistics ({@link VersionStats#flaggedInputs()}).
 */
public final class DriftDetector {

    /** Bin edges of the input PSI, in training standard deviations from the training mean; values beyond ±2 fall in the outer bins. */
    static final double[] EDGES = {-2, -1, -0.5, 0, 0.5, 1, 2};

    private final DriftPolicy policy;

    public DriftDetector(DriftPolicy policy) {
        this.policy = policy;
    }

    public DriftPolicy policy() {
        return policy;
    }

    /** Every kind of drift present in {@code live} against {@code reference}; empty when none or too little traffic. */
    public List<DriftFinding> detect(VersionStats live, DriftReference reference) {
        List<DriftFinding> findings = new ArrayList<>(3);
        if (span(live) < policy.minSpanMillis()) {
            return findings;
        }
        if (live.requests() >= policy.minSamples()) {
            inputs(live, reference, findings);
            predictions(live, reference, findings);
        }
        accuracy(live, reference, findings);
        return findings;
    }

    /** Milliseconds from the first to the last request of the live traffic; 0 when unknown. */
    static long span(VersionStats live) {
        return live.firstMillis() == 0 ? 0 : live.lastMillis() - live.firstMillis();
    }

    private void inputs(VersionStats live, DriftReference reference, List<DriftFinding> findings) {
        List<Check> checks = new ArrayList<>();
        List<String> drifted = new ArrayList<>();
        for (Map.Entry<String, DriftReference.Moments> e : reference.inputs().entrySet()) {
            String name = e.getKey();
            long n = live.inputCount(name);
            if (n < policy.minSamples()) {
                continue;
            }
            double mean = e.getValue().mean();
            double std = e.getValue().std() > 0 ? e.getValue().std() : Math.max(1e-9, Math.abs(mean) * 0.01);
            double median = live.inputQuantile(name, 0.5);
            double shift = Math.abs(median - mean) / std;
            double psi = binnedPsi(live, name, mean, std);
            boolean fail = shift > policy.inputShift() && psi > policy.psiThreshold();
            if (fail) {
                drifted.add(name);
            }
            checks.add(new Check("input-" + name, median, mean, n, 0, shift, policy.inputShift(), fail ? Decision.FAIL : Decision.PASS,
                    String.format(Locale.ROOT, "live median %.4f vs training mean %.4f: %.2f training standard deviations (limit %.2f);"
                                    + " PSI of live values in training bins (tails clipped) %.4f (limit %.2f); %d flagged input(s) left out",
                            median, mean, shift, policy.inputShift(), psi, policy.psiThreshold(), live.flaggedInputs())));
        }
        if (!drifted.isEmpty()) {
            findings.add(new DriftFinding(DriftKind.INPUT, checks, "inputs drifted from training: " + String.join(", ", drifted)));
        }
    }

    /** PSI of the live values of an input over bins of the training distribution (normal with its mean and std), tails clipped. */
    static double binnedPsi(VersionStats live, String name, double mean, double std) {
        int bins = EDGES.length + 1;
        double[] actual = new double[bins];
        double[] expected = new double[bins];
        double previousLive = 0;
        double previousExpected = 0;
        for (int i = 0; i < EDGES.length; i++) {
            double below = live.inputShareBelow(name, mean + EDGES[i] * std);
            double expectedBelow = Psi.normalCdf(EDGES[i]);
            actual[i] = below - previousLive;
            expected[i] = expectedBelow - previousExpected;
            previousLive = below;
            previousExpected = expectedBelow;
        }
        actual[bins - 1] = 1 - previousLive;
        expected[bins - 1] = 1 - previousExpected;
        return Psi.ofShareArrays(actual, expected, live.inputCount(name));
    }

    private void predictions(VersionStats live, DriftReference reference, List<DriftFinding> findings) {
        if (reference.classShares().isEmpty()) {
            return;
        }
        Map<String, Long> counts = live.classCounts();
        long n = counts.values().stream().mapToLong(Long::longValue).sum();
        if (n < policy.minSamples()) {
            return;
        }
        double psi = Psi.ofShares(counts, reference.classShares());
        if (psi > policy.psiThreshold()) {
            Check check = new Check("prediction-psi", psi, 0.0, n, 0, psi, policy.psiThreshold(), Decision.FAIL,
                    String.format(Locale.ROOT, "PSI of live predicted classes against training class shares %.4f (limit %.2f)",
                            psi, policy.psiThreshold()));
            findings.add(new DriftFinding(DriftKind.PREDICTION, List.of(check), "predicted classes drifted from training"));
        }
    }

    private void accuracy(VersionStats live, DriftReference reference, List<DriftFinding> findings) {
        long labels = live.labelled();
        if (labels < policy.minLabels()) {
            return;
        }
        double approved = Double.isNaN(reference.minAccuracy()) ? policy.accuracyFloor() : reference.minAccuracy();
        double limit = approved - policy.accuracyTolerance();
        double accuracy = live.accuracy();
        // always-valid upper bound: only a drop that is significant counts
        double p = (live.correct() + 1.0) / (labels + 2.0);
        double upper = accuracy + ConfidenceSequence.halfWidth(p * (1 - p) / labels, policy.accuracyTolerance() + 0.01, 0.01);
        if (upper < limit) {
            Check check = new Check("accuracy", accuracy, approved, labels, 0, upper, limit, Decision.FAIL,
                    String.format(Locale.ROOT, "feedback accuracy %.4f (upper bound %.4f) below approval level %.4f - %.2f",
                            accuracy, upper, approved, policy.accuracyTolerance()));
            findings.add(new DriftFinding(DriftKind.ACCURACY, List.of(check), "accuracy on feedback fell below the approval level"));
        }
    }
}
