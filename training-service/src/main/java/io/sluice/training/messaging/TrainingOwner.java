package io.sluice.training.messaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sluice.platform.messaging.OwnedPartitions;
import io.sluice.training.domain.TrainingRuns;
import io.sluice.training.domain.tuning.HyperparameterSearches;

/**
 * The models this replica trains: those whose name lands in a partition of the training requests topic that platform's
 * {@link OwnedPartitions} says it owns. Before partitions are revoked the runs of models that move away are handed over
 * (stopped between batches, left unfinished with their checkpoint, waited for); on an assignment the journaled unfinished
 * runs and hyperparameter searches of the owned models are adopted and resumed (a journal that cannot be read pauses the partitions and retries).
 */
public final class TrainingOwner implements OwnedPartitions.Owner {

    private static final Logger log = LoggerFactory.getLogger(TrainingOwner.class);

    private final OwnedPartitions ownership;
    private final TrainingRuns runs;
    private final HyperparameterSearches searches;
    private final Duration handOverWait;

    /**
     * @param binding      the training requests consumer binding, whose assignment decides ownership
     * @param handOverWait how long a revocation waits for handed-over runs to stop
     */
    public TrainingOwner(String binding, TrainingRuns runs, HyperparameterSearches searches, Duration handOverWait) {
        this.ownership = new OwnedPartitions("training-runs", binding, this);
        this.runs = runs;
        this.searches = searches;
        this.handOverWait = handOverWait;
    }

    /** The binder's rebalance listener that tells this owner what it owns (a bean of its own). */
    public OwnedPartitions ownership() {
        return ownership;
    }

    @Override
    public void assigned(Set<Integer> partitions) {
        try {
            runs.adopt(ownership::owns);
            searches.adopt(ownership::owns);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the run journal to adopt the runs of partitions " + partitions, e);
        }
    }

    @Override
    public void revoked(Set<Integer> partitions) {
        searches.release(ownership::owns);
        Set<String> still = runs.release(ownership::owns, handOverWait);
        if (!still.isEmpty()) {
            log.warn("runs {} did not stop within {}; the new owner may redo their last epoch", still, handOverWait);
        }
    }
}
