package io.sluice.training.domain.tuning;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.sluice.training.domain.ModelSettings;
import io.sluice.training.domain.TrainingFailure;

/** A cloud service that runs a whole search itself (its own trials and early stopping), e.g. a Vertex AI HyperparameterTuningJob. */
public interface RemoteSearch {

    /** Backend name in events: vertex-ai. */
    String name();

    /**
     * Runs the search to its end (submitting it, or re-attaching to {@link SearchRecord#externalJobId()}) and returns every
     * trial it ran, indexed from 0.
     *
     * @param base          the model's settings the trials start from
     * @param submitted     told the job's name right after submitting (journaled, so a restart re-attaches)
     * @param stopRequested true when this service stops or hands the model over: the job keeps running, the call throws
     *                      {@link io.sluice.training.domain.RunStoppedException}
     * @throws TrainingFailure when the job fails, is cancelled outside Sluice or times out
     */
    List<TrialResult> search(SearchRecord search, ModelSettings base, Consumer<String> submitted, BooleanSupplier stopRequested)
            throws TrainingFailure;
}
