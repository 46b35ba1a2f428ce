package io.sluice.evaluation.domain;

import java.util.List;

/**
 * One model's answers on a test split: per sample the true class, the predicted class and the
 * probability of every class, all as indexes into {@link #classNames}.
 *
 * @param classNames    the evaluation's classes (the dataset's), in matrix order
 * @param actual        true class index per sample
 * @param predicted     predicted class index per sample
 * @param probabilities per sample, the probability of each class (same order as classNames); rows need not sum to 1 exactly
 */
public record ScoredSamples(List<String> classNames, int[] actual, int[] predicted, double[][] probabilities) {

    public ScoredSamples {
        classNames = List.copyOf(classNames);
        if (actual.length != predicted.length || actual.length != probabilities.length) {
            throw new IllegalArgumentException("actual, predicted and probabilities must have one entry per sample");
        }
        int k = classNames.size();
        for (int i = 0; i < actual.length; i++) {
            if (actual[i] < 0 || actual[i] >= k || predicted[i] < 0 || predicted[i] >= k) {
                throw new IllegalArgumentException("sample " + i + " has a class index outside 0.." + (k - 1));
            }
            if (probabilities[i].length != k) {
                throw new IllegalArgumentException("sample " + i + " has " + probabilities[i].length + " probabilities, expected " + k);
            }
        }
    }

    /** Number of samples. */
    public int size() {
        return actual.length;
    }

    /** Whether sample i was classified correctly. */
    public boolean correct(int i) {
        return actual[i] == predicted[i];
    }
}
