package io.sluice.monitoring.domain;

import java.util.Map;

/**
 * What a model version saw in training, to compare live traffic with.
 *
 * @param source       where it came from: {@code model-card} or {@code first-window} (the first live window of the version)
 * @param inputs       per input statistic (the keys of PredictionServed.inputStats): its mean and standard deviation
 * @param classShares  predicted (or true) class to share, summing to about 1; may be empty
 * @param minAccuracy  accuracy at which the version was approved, NaN when unknown
 * @param datasetName  dataset the version was trained on, null when unknown
 */
public record DriftReference(String source, Map<String, Moments> inputs, Map<String, Double> classShares, double minAccuracy,
                             String datasetName) {

    /** Mean and standard deviation of one input statistic. */
    public record Moments(double mean, double std) {}

    public DriftReference {
        inputs = Map.copyOf(inputs);
        classShares = Map.copyOf(classShares);
    }

    /**
     * A reference taken from a version's own first live window, by robust statistics: each input's
     * median and its interquartile range / 1.349 (the standard deviation of a normal distribution
     * with that spread), so that a few extreme inputs in the first window do not become the reference.
     */
    public static DriftReference fromLive(VersionStats first, double minAccuracy, String datasetName) {
        Map<String, Moments> inputs = new java.util.HashMap<>();
        for (String name : first.inputNames()) {
            double median = first.inputQuantile(name, 0.5);
            double spread = (first.inputQuantile(name, 0.75) - first.inputQuantile(name, 0.25)) / 1.349;
            if (Double.isNaN(median)) {
                continue;
            }
            inputs.put(name, new Moments(median, spread > 0 ? spread : first.inputStd(name)));
        }
        Map<String, Long> counts = first.classCounts();
        long n = counts.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Double> shares = new java.util.HashMap<>();
        counts.forEach((c, k) -> shares.put(c, (double) k / n));
        return new DriftReference("first-window", inputs, shares, minAccuracy, datasetName);
    }
}
