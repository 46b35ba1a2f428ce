package io.sluice.training.domain.tuning;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.sluice.training.domain.ModelSettings;

/**
 * What a hyperparameter search tries and how it spends its budget.
 *
 * @param trials          trials to sample (≥ 1)
 * @param minLearningRate smallest learning rate, sampled log-uniformly up to {@code maxLearningRate}
 * @param maxLearningRate largest learning rate
 * @param batchSizes      batch sizes to choose from (uniformly)
 * @param hidden          hidden layer sizes to choose from, each a list such as [64] or [128, 64]; empty keeps the model's
 * @param minEpochs       epochs of the first successive-halving rung
 * @param maxEpochs       a trial's whole epoch budget (early stopping on patience still applies)
 * @param reductionFactor η: about 1/η of the trials reaching a rung go on
 * @param seed            seed of the sampling: the same seed gives the same trials, so a resumed search retries the same ones
 */
public record SearchSpace(int trials, double minLearningRate, double maxLearningRate, List<Integer> batchSizes,
                          List<List<Integer>> hidden, int minEpochs, int maxEpochs, int reductionFactor, long seed) {

    /** Setting names a search tunes; a winner's parameters carry these and nothing else. */
    public static final List<String> TUNED = List.of("learningRate", "batchSize", "hidden");

    public SearchSpace {
        if (trials < 1 || !(minLearningRate > 0) || maxLearningRate < minLearningRate || batchSizes.isEmpty()
                || batchSizes.stream().anyMatch(b -> b < 1)) {
            throw new IllegalArgumentException("a search space needs trials >= 1, 0 < minLearningRate <= maxLearningRate and positive "
                    + "batch sizes");
        }
        batchSizes = List.copyOf(batchSizes);
        hidden = hidden.stream().map(List::copyOf).toList();
    }

    /** The scheduler this space asks for. */
    public SuccessiveHalving scheduler() {
        return new SuccessiveHalving(minEpochs, maxEpochs, reductionFactor);
    }

    /**
     * The parameters trial {@code index} trains with: trial 0 is the model's current parameters (its settings, a previous
     * search's winner included), so a search never publishes a winner that did worse on validation than what the model
     * trains with now; the others are {@link #sample sampled}.
     */
    public Map<String, String> trialParameters(int index, ModelSettings current) {
        if (index != 0) {
            return sample(index);
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("learningRate", Double.toString(current.learningRate()));
        parameters.put("batchSize", Integer.toString(current.batchSize()));
        if (!hidden.isEmpty() && !current.hidden().isEmpty()) {
            parameters.put("hidden", join(current.hidden()));
        }
        return parameters;
    }

    /**
     * Trial {@code index}'s parameters (0-based): {@code learningRate}, {@code batchSize} and, when the space has a
     * choice, {@code hidden} (comma-separated); the same seed and index give the same parameters.
     */
    public Map<String, String> sample(int index) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index); // mixes nearby seeds, unlike Random
        double logLow = Math.log(minLearningRate);
        double learningRate = Math.exp(logLow + random.nextDouble() * (Math.log(maxLearningRate) - logLow));
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("learningRate", Double.toString(round(learningRate)));
        parameters.put("batchSize", Integer.toString(batchSizes.get(random.nextInt(batchSizes.size()))));
        if (!hidden.isEmpty()) {
            parameters.put("hidden", join(hidden.get(random.nextInt(hidden.size()))));
        }
        return parameters;
    }

    /** The settings of one trial: the model's settings with the sampled parameters, this space's epoch budget, no warm start. */
    public ModelSettings trialSettings(ModelSettings base, Map<String, String> parameters) {
        ModelSettings tuned = base.withTuned(parameters);
        return new ModelSettings(tuned.architecture(), tuned.filters(), tuned.hidden(), tuned.dropout(), tuned.optimizer(),
                tuned.learningRate(), tuned.batchSize(), maxEpochs, tuned.patience(), tuned.seed(), tuned.imageSize(), tuned.colorMode(),
                tuned.horizontalFlip(), false);
    }

    /** Every trial's parameters, in index order. */
    public List<Map<String, String>> samples() {
        List<Map<String, String>> all = new ArrayList<>();
        for (int i = 0; i < trials; i++) {
            all.add(sample(i));
        }
        return all;
    }

    private static double round(double value) {
        return Double.parseDouble(String.format(java.util.Locale.ROOT, "%.3g", value)); // 3 significant digits: readable in events
    }

    private static String join(List<Integer> values) {
        return String.join(",", values.stream().map(String::valueOf).toList());
    }
}
