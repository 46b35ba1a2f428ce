package io.sluice.ingest.messaging;

import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.sluice.ingest.domain.CompletedDatasets;
import io.sluice.ingest.domain.DatasetTracker;
import io.sluice.ingest.domain.RawBucket;
import io.sluice.platform.messaging.OwnedPartitions;

/**
 * The datasets this replica assembles: those whose owner key lands in a partition of the notifications topic that
 * platform's {@link OwnedPartitions} says it owns. Newly owned datasets with a completion marker are looked at (off the
 * consumer thread), so a dataset whose owner died mid-assembly is completed by the replica that inherits its partition;
 * after each rebalance pending datasets that moved away are dropped.
 */
public final class DatasetOwner implements OwnedPartitions.Owner, AutoCloseable {

    private final OwnedPartitions ownership;
    private final RawBucket raw;
    private final DatasetTracker tracker;
    private final CompletedDatasets completed;
    private final boolean scan;
    private final ExecutorService scanner = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "dataset-scan");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param binding the notifications consumer binding, whose assignment decides ownership
     * @param scan    look at the newly owned completed datasets on each assignment
     */
    public DatasetOwner(String binding, RawBucket raw, DatasetTracker tracker, CompletedDatasets completed, boolean scan) {
        this.ownership = new OwnedPartitions("datasets", binding, this);
        this.raw = raw;
        this.tracker = tracker;
        this.completed = completed;
        this.scan = scan;
    }

    /** The binder's rebalance listener that tells this owner what it owns (a bean of its own). */
    public OwnedPartitions ownership() {
        return ownership;
    }

    /** True when this replica owns the dataset now. */
    public boolean owns(String dataset) {
        return ownership.owns(raw.ownerKey(dataset));
    }

    @Override
    public void assigned(Set<Integer> partitions) {
        if (scan) {
            scanner.execute(() -> completed.scan(dataset -> partitions.contains(ownership.partitionOf(raw.ownerKey(dataset)))));
        }
    }

    @Override
    public void revoked(Set<Integer> partitions) {
        // pending work is dropped once the new assignment is known (rebalanced), not between revocation and assignment
    }

    @Override
    public void rebalanced() {
        tracker.retain(this::owns);
    }

    @Override
    public void close() {
        scanner.shutdownNow();
    }
}
