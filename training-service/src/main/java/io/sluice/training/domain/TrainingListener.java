package io.sluice.training.domain;

import java.util.Map;

/** Where run events go (Kafka in the service); each call must be durable when it returns. */
public interface TrainingListener {

    void started(RunRecord run, String backend, String device, String architecture, Map<String, String> hyperParameters,
                 String parentVersion);

    void progressed(RunRecord run, EpochResult result, int maxEpochs, double samplesPerSecond, Double etaSeconds);

    void completed(RunRecord run, TrainingOutcome outcome, long durationMillis);

    /**
     * @param kind FAILED, CANCELLED, SUPERSEDED or TIMED_OUT
     */
    void failed(RunRecord run, String kind, String reason, String errorType, boolean retryable, String supersededBy);
}
