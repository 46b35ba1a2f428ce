package io.sluice.training.domain.tuning;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The asynchronous successive-halving scheduler (ASHA, Li et al., "A System for Massively Parallel Hyperparameter
 * Tuning", MLSys 2020), in its stopping form: every trial trains on; when it reaches a rung (epochs
 * {@code minEpochs · η^k} below {@code maxEpochs}) its metric is recorded there and it goes on only while fewer than
 * {@code max(1, ⌊n/η⌋)} of the {@code n} trials recorded at that rung so far (itself included) are strictly better.
 * A trial never waits for others: the first trials at a rung are promoted on little evidence, later ones face a
 * stricter cut, as in ASHA. Higher metrics are better (validation accuracy). Thread-safe; the decisions depend only on
 * the order of the reports, so replaying the recorded reports of a journaled search rebuilds the same state.
 */
public final class SuccessiveHalving {

    /** What a trial does after an epoch. */
    public enum Decision {
        /** Train the next epoch. */
        CONTINUE,
        /** Stop now: among the worst at this rung. */
        STOP
    }

    private final int reductionFactor;
    private final List<Integer> rungs;
    private final Map<Integer, List<Double>> recorded = new TreeMap<>();

    /**
     * @param minEpochs       epochs of the first rung (≥ 1)
     * @param maxEpochs       the whole budget of a trial; no rung at or above it
     * @param reductionFactor η ≥ 2: about 1/η of the trials reaching a rung go on past it
     */
    public SuccessiveHalving(int minEpochs, int maxEpochs, int reductionFactor) {
        if (minEpochs < 1 || maxEpochs < minEpochs || reductionFactor < 2) {
            throw new IllegalArgumentException("need 1 <= minEpochs <= maxEpochs and reductionFactor >= 2, not " + minEpochs + ", "
                    + maxEpochs + ", " + reductionFactor);
        }
        this.reductionFactor = reductionFactor;
        List<Integer> levels = new ArrayList<>();
        for (long r = minEpochs; r < maxEpochs; r *= reductionFactor) {
            levels.add((int) r);
        }
        this.rungs = List.copyOf(levels);
    }

    /** The epochs at which trials are compared, ascending (empty when minEpochs equals maxEpochs). */
    public List<Integer> rungs() {
        return rungs;
    }

    /**
     * Records a trial's metric after an epoch and says whether it trains on. Call once per trial and epoch; epochs
     * that are not rungs always continue.
     */
    public synchronized Decision report(int epoch, double metric) {
        if (!rungs.contains(epoch)) {
            return Decision.CONTINUE;
        }
        List<Double> atRung = recorded.computeIfAbsent(epoch, e -> new ArrayList<>());
        atRung.add(metric);
        int keep = Math.max(1, atRung.size() / reductionFactor);
        long better = atRung.stream().filter(m -> m > metric).count();
        return better < keep ? Decision.CONTINUE : Decision.STOP;
    }

    /** How many trials were recorded at a rung. */
    public synchronized int recordedAt(int epoch) {
        return recorded.getOrDefault(epoch, List.of()).size();
    }
}
