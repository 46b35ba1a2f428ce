package io.sluice.console.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads {@code sluice.*} topics without a consumer group (nothing is committed, nobody else's
 * offsets move): assign every partition, seek, poll. Not thread-safe except {@link #wakeup()}.
 */
public final class EventTail implements AutoCloseable {

    /** Where reading starts in each partition. */
    public enum Start { BEGINNING, END }

    private final KafkaConsumer<String, byte[]> consumer;
    private final String bootstrapServers;
    private final Duration timeout;
    private List<TopicPartition> assigned = List.of();

    public EventTail(String bootstrapServers, String clientId, Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), 1000));
        props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2000);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        try {
            this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        } catch (KafkaException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new KafkaUnavailableException("cannot use Kafka at " + bootstrapServers + " (" + cause.getMessage() + ")", e);
        }
    }

    /** Every {@code sluice.*} topic on the broker, sorted; throws {@link KafkaUnavailableException} when it cannot be reached. */
    public List<String> sluiceTopics() {
        requireListening(bootstrapServers);
        try {
            return new ArrayList<>(new TreeSet<>(consumer.listTopics(timeout).keySet().stream()
                    .filter(name -> name.startsWith("sluice.")).toList()));
        } catch (KafkaException e) {
            throw new KafkaUnavailableException("cannot reach Kafka at " + bootstrapServers + " (" + e.getMessage() + ")", e);
        }
    }

    /** Fails at once when no bootstrap address accepts a TCP connection, instead of after the client's full timeout. */
    static void requireListening(String bootstrapServers) {
        String refused = null;
        for (String address : bootstrapServers.split(",")) {
            int colon = address.strip().lastIndexOf(':');
            if (colon < 0) {
                return; // let the client explain the malformed address
            }
            try (java.net.Socket socket = new java.net.Socket()) {
                String host = address.strip().substring(0, colon).replace("[", "").replace("]", "");
                socket.connect(new java.net.InetSocketAddress(host, Integer.parseInt(address.strip().substring(colon + 1))), 2000);
                return;
            } catch (java.io.IOException | RuntimeException e) {
                refused = e.getMessage();
            }
        }
        throw new KafkaUnavailableException("cannot reach Kafka at " + bootstrapServers + " (" + refused + ")", null);
    }

    /** Assigns every partition of the topics and positions each at the start or the end. */
    public void assign(Collection<String> topics, Start start) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic, timeout).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        if (start == Start.BEGINNING) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        partitions.forEach(tp -> consumer.position(tp, timeout)); // resolve now, so later records are not missed
        assigned = List.copyOf(partitions);
    }

    /** Adds the partitions of more topics, read from the beginning; partitions already assigned keep their positions. */
    public void addFromBeginning(Collection<String> topics) {
        List<TopicPartition> added = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic, timeout).forEach(p -> added.add(new TopicPartition(topic, p.partition())));
        }
        added.removeAll(assigned);
        if (added.isEmpty()) {
            return;
        }
        List<TopicPartition> all = new ArrayList<>(assigned);
        all.addAll(added);
        consumer.assign(all);
        consumer.seekToBeginning(added);
        assigned = List.copyOf(all);
    }

    /** Moves every assigned partition back by up to {@code n} records from its end. */
    public void seekToLast(int n) {
        Map<TopicPartition, Long> begins = consumer.beginningOffsets(assigned, timeout);
        Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, timeout);
        for (TopicPartition tp : assigned) {
            consumer.seek(tp, Math.max(begins.get(tp), ends.get(tp) - n));
        }
    }

    /** The current end offsets of every assigned partition. */
    public Map<TopicPartition, Long> endOffsets() {
        return consumer.endOffsets(assigned, timeout);
    }

    /** True when every assigned partition has been read up to the given end offsets. */
    public boolean reached(Map<TopicPartition, Long> ends) {
        return assigned.stream().allMatch(tp -> consumer.position(tp, timeout) >= ends.getOrDefault(tp, 0L));
    }

    public List<TopicPartition> assignment() {
        return assigned;
    }

    /** Polls once; returns no records when woken up. */
    public List<ConsumerRecord<String, byte[]>> poll(Duration wait) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try {
            consumer.poll(wait).forEach(out::add);
        } catch (org.apache.kafka.common.errors.WakeupException woken) {
            // the caller asked to stop
        }
        return out;
    }

    /** Makes a blocking {@link #poll} return; safe from any thread. */
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }

    /** The broker cannot be reached. */
    public static final class KafkaUnavailableException extends RuntimeException {
        public KafkaUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
