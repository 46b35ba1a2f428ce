package io.sluice.training.domain;

/** Where a run executes: the local DJL trainer, or a cloud training service. */
public interface TrainingBackend {

    /** Backend name in events: local, vertex-ai, modelarts. */
    String name();

    /**
     * Runs the job to the end and writes the model version.
     *
     * @throws TrainingFailure      when the data or settings cannot produce a model (the reason says why)
     * @throws RunStoppedException  when {@link TrainingMonitor#stopRequested()} or the thread was interrupted
     */
    TrainingOutcome train(TrainingJob job, TrainingMonitor monitor) throws TrainingFailure;

    /** Drops whatever the backend kept to resume the run (its checkpoint); called once the run has finished for good. */
    default void discard(String runId) {}
}
