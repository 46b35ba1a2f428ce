package io.sluice.ingest.messaging;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.stream.binder.kafka.KafkaBindingRebalanceListener;

import io.sluice.ingest.domain.CompletedDatasets;
import io.sluice.ingest.domain.DatasetTracker;
import io.sluice.ingest.domain.RawBucket;

/**
 * Which datasets this replica owns: those whose owner key falls in a partition of the
 * notifications topic assigned to it in the {@code ingest-service} group (Kafka's own keyed
 * partitioning, murmur2). On assignment the newly owned datasets with a completion marker are
 * looked at (off the consumer thread), so a dataset whose owner died mid-assembly is completed by
 * the replica that inherits its partition; after each assignment pending datasets that moved away
 * are dropped.
 */
public final class DatasetOwnership implements KafkaBindingRebalanceListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DatasetOwnership.class);

    private final String binding;
    private final RawBucket raw;
    private final DatasetTracker tracker;
    private final CompletedDatasets completed;
    private final boolean scan;
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private final ExecutorService scanner = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "dataset-scan");
        thread.setDaemon(true);
        return thread;
    });
    private volatile int partitions;

    /**
     * @param binding the notifications consumer binding
     * @param scan    look at the newly owned completed datasets on each assignment
     */
    public DatasetOwnership(String binding, RawBucket raw, DatasetTracker tracker, CompletedDatasets completed, boolean scan) {
        this.binding = binding;
        this.raw = raw;
        this.tracker = tracker;
        this.completed = completed;
        this.scan = scan;
    }

    /** The partition a dataset's notifications go to, as Kafka's default partitioner picks it for the key. */
    static int partition(String ownerKey, int partitions) {
        return Utils.toPositive(Utils.murmur2(ownerKey.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** The partitions of the notifications topic this replica owns now. */
    public Set<Integer> ownedPartitions() {
        return Set.copyOf(owned);
    }

    /** True when this replica owns the dataset now. */
    public boolean owns(String dataset) {
        int count = partitions;
        return count > 0 && owned.contains(partition(raw.ownerKey(dataset), count));
    }

    @Override
    public void onPartitionsAssigned(String bindingName, Consumer<?, ?> consumer, Collection<TopicPartition> assigned, boolean initial) {
        if (!binding.equals(bindingName)) {
            return;
        }
        if (assigned.isEmpty()) {
            tracker.retain(this::owns);
            return;
        }
        String topic = assigned.iterator().next().topic();
        java.util.List<PartitionInfo> infos = consumer.partitionsFor(topic);
        partitions = infos == null ? 0 : infos.size();
        Set<Integer> added = ConcurrentHashMap.newKeySet();
        assigned.forEach(p -> added.add(p.partition()));
        owned.addAll(added);
        log.info("owns partitions {} of {} ({} in all)", owned, topic, partitions);
        tracker.retain(this::owns);
        if (scan && partitions > 0) {
            int count = partitions;
            scanner.execute(() -> completed.scan(dataset -> added.contains(partition(raw.ownerKey(dataset), count))));
        }
    }

    @Override
    public void onPartitionsRevokedAfterCommit(String bindingName, Consumer<?, ?> consumer, Collection<TopicPartition> revoked) {
        if (!binding.equals(bindingName)) {
            return;
        }
        revoked.forEach(p -> owned.remove(p.partition())); // pending work is dropped once the new assignment is known
    }

    @Override
    public void close() {
        scanner.shutdownNow();
    }
}
