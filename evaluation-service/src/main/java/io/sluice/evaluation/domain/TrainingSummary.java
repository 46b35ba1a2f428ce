package io.sluice.evaluation.domain;

import java.util.List;

/**
 * What training reported about the run, for the overfitting and stability gates.
 *
 * @param bestTrainAccuracy       train accuracy of the kept epoch
 * @param bestValidationAccuracy  validation accuracy of the kept epoch
 * @param validationAccuracies    validation accuracy of every epoch that ran, in order
 */
public record TrainingSummary(double bestTrainAccuracy, double bestValidationAccuracy, List<Double> validationAccuracies) {

    public TrainingSummary {
        validationAccuracies = List.copyOf(validationAccuracies);
    }
}
