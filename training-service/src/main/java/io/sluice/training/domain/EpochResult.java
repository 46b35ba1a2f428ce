package io.sluice.training.domain;

/** Metrics of one finished epoch; accuracies in [0,1], losses mean cross-entropy. */
public record EpochResult(int epoch, double trainLoss, double trainAccuracy, double validationLoss, double validationAccuracy) {}
