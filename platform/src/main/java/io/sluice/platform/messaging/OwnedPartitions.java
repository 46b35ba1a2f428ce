package io.sluice.platform.messaging;

import io.sluice.platform.security.LogSafe;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.stream.binder.kafka.KafkaBindingRebalanceListener;

import io.sluice.platform.events.DerivedState;
import io.sluice.platform.kafka.Partitions;

/**
 * One owner per key: the replica a consumer binding's group assigns partition <i>n</i> to owns every
 * key that lands in partition <i>n</i>, and decides for it alone. On assignment the owner rebuilds
 * the state of those partition numbers from Kafka before any of their records is delivered (the
 * callback runs on the consumer thread, inside the rebalance); on revocation or loss it drops it.
 * A binding that reads several topics ({@code consumer.multiplex: true}) with co-partitioned keys and
 * the range assignor gets the same partition numbers of every topic, so all inputs of one key reach
 * one owner. Not current while a rebuild runs or after one failed (the partitions are paused and the
 * consumer rejoins the group, so no record is handled without its state). {@link #owns(String)} says
 * whether a key is owned here (the producers' partitioner over the partition count seen at assignment):
 * what an owner asks while it adopts or hands over work, and what services ask before deciding.
 */
public final class OwnedPartitions implements KafkaBindingRebalanceListener, DerivedState {

    private static final Logger log = LoggerFactory.getLogger(OwnedPartitions.class);

    /** The state that follows the ownership. */
    public interface Owner {

        /**
         * Rebuilds the state of keys in these partition numbers; throwing pauses those partitions and makes the consumer rejoin
         * the group to try again (their records are never delivered without their state).
         */
        void assigned(Set<Integer> partitions);

        /** Drops the state of keys in these partition numbers: another replica owns them now. */
        void revoked(Set<Integer> partitions);

        /** Called after every assignment of the binding, also one that brought nothing new (or nothing at all). */
        default void rebalanced() {}
    }

    private final String name;
    private final String binding;
    private final Owner owner;
    private final Set<Integer> owned = new TreeSet<>();
    private volatile int partitionCount;
    private volatile boolean rebuilding;
    private volatile String failure;

    /**
     * @param name    name in health details
     * @param binding the consumer binding whose assignment decides ownership (e.g. {@code inputs-in-0}), or null for every
     *                consumer binding of the service (a service with one)
     */
    public OwnedPartitions(String name, String binding, Owner owner) {
        this.name = name;
        this.binding = binding;
        this.owner = owner;
    }

    @Override
    public void onPartitionsAssigned(String bindingName, Consumer<?, ?> consumer, Collection<TopicPartition> partitions, boolean initial) {
        if (binding != null && !binding.equals(bindingName)) {
            return;
        }
        if (!partitions.isEmpty()) {
            List<PartitionInfo> infos = consumer.partitionsFor(partitions.iterator().next().topic());
            if (infos != null && !infos.isEmpty()) {
                partitionCount = infos.size();
            }
        }
        Set<Integer> numbers = numbers(partitions);
        synchronized (owned) {
            numbers.removeAll(owned);
        }
        if (numbers.isEmpty()) {
            owner.rebalanced();
            return;
        }
        rebuilding = true;
        long started = System.nanoTime();
        synchronized (owned) {
            owned.addAll(numbers); // owned while rebuilding: work the rebuild hands out may check ownership
        }
        try {
            owner.assigned(numbers);
            failure = null;
            log.info("{}: now owns partitions {} (rebuilt in {} ms)", name, numbers, (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException e) {
            synchronized (owned) {
                owned.removeAll(numbers);
            }
            failure = "rebuilding partitions " + numbers + " failed: " + e;
            log.warn("{}: {}; pausing them and rejoining the group to try again", name, LogSafe.text(failure));
            // never deliver records of a partition whose state is not rebuilt: pause it and have the group assign it again
            consumer.pause(partitions);
            consumer.enforceRebalance("sluice: rebuilding the state of " + partitions + " failed");
        } finally {
            rebuilding = false;
        }
        owner.rebalanced();
    }

    @Override
    public void onPartitionsRevokedBeforeCommit(String bindingName, Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (binding != null && !binding.equals(bindingName)) {
            return;
        }
        Set<Integer> numbers = numbers(partitions);
        synchronized (owned) {
            numbers.retainAll(owned);
            owned.removeAll(numbers);
        }
        if (!numbers.isEmpty()) {
            owner.revoked(numbers);
            log.info("{}: no longer owns partitions {}", name, numbers);
        }
    }

    /** Whether this replica owns partition {@code number} now. */
    public boolean owns(int number) {
        synchronized (owned) {
            return owned.contains(number);
        }
    }

    /** Whether this replica owns a key now: the partition Kafka's producers write the key to is owned here. */
    public boolean owns(String key) {
        int partition = partitionOf(key);
        return partition >= 0 && owns(partition);
    }

    /** The partition a key is written to, as Kafka's producers pick it; -1 before the first assignment. */
    public int partitionOf(String key) {
        int count = partitionCount;
        return count > 0 ? Partitions.of(key, count) : -1;
    }

    /** The partition numbers this replica owns now. */
    public Set<Integer> owned() {
        synchronized (owned) {
            return Set.copyOf(owned);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Status status() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("owned", owned());
        if (rebuilding) {
            details.put("reason", "rebuilding the state of newly assigned partitions");
        } else if (failure != null) {
            details.put("reason", failure);
        }
        return new Status(!rebuilding && failure == null, details);
    }

    private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
        Set<Integer> numbers = new TreeSet<>();
        partitions.forEach(tp -> numbers.add(tp.partition()));
        return numbers;
    }
}
