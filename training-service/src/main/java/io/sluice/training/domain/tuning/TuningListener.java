package io.sluice.training.domain.tuning;

import java.util.Map;

/** Where a search's events go (Kafka in the service); each call must be durable when it returns. */
public interface TuningListener {

    /** One trial ended (completed, stopped early by the scheduler, or failed). */
    void trialFinished(SearchRecord search, TrialResult trial);

    /**
     * The search ended with a winner.
     *
     * @param bestParameters the winner's tuned parameters, which later runs of the model use
     */
    void completed(SearchRecord search, TrialResult winner, Map<String, String> bestParameters, String backend, long durationMillis);

    /** No trial trained (every one failed); the reason names the first failure. */
    void failed(SearchRecord search, String reason);
}
