package io.sluice.evaluation.domain;

/**
 * Precision, recall and F1 of one class (one-vs-rest).
 *
 * @param label     class name
 * @param precision TP / (TP + FP); 0 when the class was never predicted
 * @param recall    TP / (TP + FN); 0 when the class is absent from the test labels
 * @param f1        harmonic mean of precision and recall; 0 when both are 0
 * @param support   true samples of this class in the test split
 */
public record ClassMetrics(String label, double precision, double recall, double f1, long support) {}
