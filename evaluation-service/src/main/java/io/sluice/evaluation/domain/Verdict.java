package io.sluice.evaluation.domain;

import java.util.List;

/**
 * The decision on one model version, with every number behind it.
 *
 * @param approved whether every gate passed
 * @param metrics  the challenger's test-split metrics, null when it could not be scored
 * @param gates    every gate evaluated, in a fixed order
 * @param champion the comparison with production, null when nothing serves yet (or it could not be scored)
 * @param reasons  one sentence per failed gate or evaluation error; empty when approved
 */
public record Verdict(boolean approved, ClassificationMetrics metrics, List<GateResult> gates, ChampionComparison champion,
                      List<String> reasons) {

    public Verdict {
        gates = List.copyOf(gates);
        reasons = List.copyOf(reasons);
    }

    /** A rejection for a model that could not be evaluated at all. */
    public static Verdict failed(String reason) {
        return new Verdict(false, null, List.of(), null, List.of(reason));
    }
}
