package io.sluice.platform.events;

import io.sluice.platform.security.LogSafe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sluice.events.codec.EventCodec;
import io.sluice.platform.kafka.KafkaClients;

/**
 * Rebuilds the state of some partitions: reads them from the beginning to the end offsets seen when
 * it starts, without a consumer group, and returns the decoded events in offset order per
 * partition. A read that fails (broker unreachable, leader moving) starts over after a backoff until
 * {@code giveUpAfter} has passed, so a caller never sees half a history. Used on partition
 * assignment (the owner rebuilds what it now owns) and by tools that need a topic's whole history.
 */
public final class PartitionReplay {

    private static final Logger log = LoggerFactory.getLogger(PartitionReplay.class);
    private static final Duration POLL = Duration.ofMillis(200);

    /**
     * One replayed event.
     *
     * @param topic     where it was
     * @param partition its partition
     * @param key       the record key (model name, dataset name …), may be null
     * @param event     the decoded event
     */
    public record Replayed(String topic, int partition, String key, SpecificRecord event) {}

    private PartitionReplay() {}

    /** The partitions numbered {@code numbers} of each topic that exist; topics that do not exist contribute none. */
    public static List<TopicPartition> partitions(KafkaClients clients, Collection<String> topics, Collection<Integer> numbers,
                                                  Duration giveUpAfter) {
        return retrying("partitions of " + topics, giveUpAfter, () -> {
            try (KafkaConsumer<String, byte[]> reader = clients.reader("sluice-partitions", Map.of(
                    ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000))) {
                List<TopicPartition> found = new ArrayList<>();
                for (String topic : topics) {
                    for (PartitionInfo info : reader.partitionsFor(topic)) {
                        if (numbers == null || numbers.contains(info.partition())) {
                            found.add(new TopicPartition(topic, info.partition()));
                        }
                    }
                }
                return found;
            }
        });
    }

    /** Every event of the given partitions up to their end offsets, in offset order per partition (tombstones and junk skipped). */
    public static List<Replayed> readToEnd(KafkaClients clients, String clientId, EventCodec codec, Collection<TopicPartition> partitions,
                                           Duration giveUpAfter) {
        if (partitions.isEmpty()) {
            return List.of();
        }
        return retrying("the replay of " + describe(partitions), giveUpAfter, () -> {
            List<Replayed> events = new ArrayList<>();
            try (KafkaConsumer<String, byte[]> reader = clients.reader(clientId, Map.of(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000))) {
                reader.assign(partitions);
                reader.seekToBeginning(partitions);
                Map<TopicPartition, Long> ends = reader.endOffsets(partitions);
                long stalledSince = System.nanoTime();
                while (!reached(reader, ends)) {
                    boolean progressed = false;
                    for (ConsumerRecord<String, byte[]> record : reader.poll(POLL)) {
                        progressed = true;
                        TopicFollower.deliver(codec, (topic, key, event) -> events.add(new Replayed(topic, record.partition(), key, event)),
                                clientId, record);
                    }
                    if (progressed) {
                        stalledSince = System.nanoTime();
                    } else if (System.nanoTime() - stalledSince > Duration.ofSeconds(10).toNanos()) {
                        throw new IllegalStateException("no progress for 10 s");
                    }
                }
            }
            return events;
        });
    }

    /** Every event of whole topics up to their end offsets (a tool's or a test's full history). */
    public static List<Replayed> readTopicsToEnd(KafkaClients clients, String clientId, EventCodec codec, Collection<String> topics,
                                                 Duration giveUpAfter) {
        return readToEnd(clients, clientId, codec, partitions(clients, topics, null, giveUpAfter), giveUpAfter);
    }

    private static boolean reached(KafkaConsumer<String, byte[]> reader, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(e -> reader.position(e.getKey()) >= e.getValue());
    }

    private static String describe(Collection<TopicPartition> partitions) {
        Set<String> names = partitions.stream().map(TopicPartition::toString).collect(Collectors.toCollection(java.util.TreeSet::new));
        return String.join(",", names);
    }

    private interface Attempt<T> {
        T run();
    }

    private static <T> T retrying(String what, Duration giveUpAfter, Attempt<T> attempt) {
        long deadline = System.nanoTime() + giveUpAfter.toNanos();
        Duration backoff = Duration.ofMillis(200);
        while (true) {
            try {
                return attempt.run();
            } catch (RuntimeException e) {
                if (System.nanoTime() + backoff.toNanos() > deadline) {
                    throw new IllegalStateException(what + " failed for " + giveUpAfter + ": " + e, e);
                }
                log.warn("{} failed ({}); retrying in {} ms", what, LogSafe.text(e), backoff.toMillis());
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(what + " was interrupted", interrupted);
                }
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : backoff.multipliedBy(2);
            }
        }
    }
}
