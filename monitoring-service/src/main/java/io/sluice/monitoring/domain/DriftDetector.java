package io.sluice.monitoring.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Compares a production version's live traffic with its training reference and reports each kind of drift found. */
public final class DriftDetector {

    private final DriftPolicy policy;

    public DriftDetector(DriftPolicy policy) {
        this.policy = policy;
    }

    /** Every kind of drift present in {@code live} against {@code reference}; empty when none or too little traffic. */
    public List<DriftFinding> detect(VersionStats live, DriftReference reference) {
        List<DriftFinding> findings = new ArrayList<>(3);
        if (live.requests() >= policy.minSamples()) {
            inputs(live, reference, findings);
            predictions(live, reference, findings);
        }
        accuracy(live, reference, findings);
        return findings;
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
            double mean = live.inputMean(name);
            double std = e.getValue().std() > 0 ? e.getValue().std() : Math.max(1e-9, Math.abs(e.getValue().mean()) * 0.01);
            double shift = Math.abs(mean - e.getValue().mean()) / std;
            Decision decision = shift > policy.inputShift() ? Decision.FAIL : Decision.PASS;
            if (decision == Decision.FAIL) {
                drifted.add(name);
            }
            checks.add(new Check("input-" + name, mean, e.getValue().mean(), n, 0, shift, policy.inputShift(), decision,
                    String.format(Locale.ROOT, "live mean %.4f vs training %.4f: %.2f training standard deviations (limit %.2f)",
                            mean, e.getValue().mean(), shift, policy.inputShift())));
        }
        if (!drifted.isEmpty()) {
            findings.add(new DriftFinding(DriftKind.INPUT, checks, "inputs drifted from training: " + String.join(", ", drifted)));
        }
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
