package io.sluice.training.messaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.stream.binder.kafka.KafkaBindingRebalanceListener;

import io.sluice.training.domain.TrainingRuns;

/**
 * Which models this replica owns: those whose name falls in a partition of the training requests
 * topic assigned to it in the {@code training-service} group (Kafka's keyed partitioning, murmur2).
 * Before partitions are revoked the runs of models that move away are handed over (stopped between
 * batches, left unfinished with their checkpoint, waited for); after an assignment the journaled
 * unfinished runs of the owned models are adopted and resumed.
 */
public final class TrainingOwnership implements KafkaBindingRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(TrainingOwnership.class);

    private final String binding;
    private final TrainingRuns runs;
    private final Duration handOverWait;
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private volatile int partitions;

    /**
     * @param binding      the training requests consumer binding
     * @param handOverWait how long a revocation waits for handed-over runs to stop
     */
    public TrainingOwnership(String binding, TrainingRuns runs, Duration handOverWait) {
        this.binding = binding;
        this.runs = runs;
        this.handOverWait = handOverWait;
    }

    /** The partition a model's requests go to, as Kafka's default partitioner picks it for the key. */
    static int partition(String model, int partitions) {
        return Utils.toPositive(Utils.murmur2(model.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** True when this replica owns the model now. */
    public boolean owns(String model) {
        int count = partitions;
        return count > 0 && owned.contains(partition(model, count));
    }

    /** The partitions of the training requests topic this replica owns now. */
    public Set<Integer> ownedPartitions() {
        return Set.copyOf(owned);
    }

    @Override
    public void onPartitionsRevokedBeforeCommit(String bindingName, Consumer<?, ?> consumer, Collection<TopicPartition> revoked) {
        if (!binding.equals(bindingName) || revoked.isEmpty()) {
            return;
        }
        revoked.forEach(p -> owned.remove(p.partition()));
        Set<String> still = runs.release(this::owns, handOverWait);
        if (!still.isEmpty()) {
            log.warn("runs {} did not stop within {}; the new owner may redo their last epoch", still, handOverWait);
        }
    }

    @Override
    public void onPartitionsAssigned(String bindingName, Consumer<?, ?> consumer, Collection<TopicPartition> assigned, boolean initial) {
        if (!binding.equals(bindingName) || assigned.isEmpty()) {
            return;
        }
        String topic = assigned.iterator().next().topic();
        List<PartitionInfo> infos = consumer.partitionsFor(topic);
        partitions = infos == null ? 0 : infos.size();
        assigned.forEach(p -> owned.add(p.partition()));
        log.info("owns partitions {} of {} ({} in all)", owned, topic, partitions);
        try {
            runs.adopt(this::owns);
        } catch (IOException e) {
            // the journal cannot be read now: the runs are adopted at the next assignment
            log.error("cannot read the run journal to adopt the runs of partitions {}: {}", owned, e.toString());
        }
    }
}
