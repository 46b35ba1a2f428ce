package io.sluice.local;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.sluice.events.codec.EventCodec;
import io.sluice.events.codec.WireFormat;
import io.sluice.events.codec.kafka.EventDeserializer;
import io.sluice.platform.events.EventJson;

/** Every event on the Sluice topics since the broker started, read by a plain consumer (no group) and decoded by the shared codec. */
final class EventLog implements AutoCloseable {

    /** One event and its topic. */
    record Entry(String topic, SpecificRecord event) {}

    /** Something the loop produced instead of what a stage waits for. */
    static final class UnexpectedEvent extends AssertionError {
        UnexpectedEvent(String message) {
            super(message);
        }
    }

    private final List<Entry> entries = new ArrayList<>();
    private final Thread reader;
    private volatile boolean running = true;
    private final java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);

    private final EventCodec codec;
    private final Map<WireFormat, Integer> formats = new java.util.EnumMap<>(WireFormat.class);

    EventLog(String bootstrap, List<String> topics) {
        this(bootstrap, topics, EventCodec.singleObject());
    }

    /** A log that decodes with {@code codec} (one with the stack's registry URL for a stack in registry mode). */
    EventLog(String bootstrap, List<String> topics, EventCodec codec) {
        this.codec = codec;
        reader = new Thread(() -> read(bootstrap, topics), "e2e-event-log");
        reader.setDaemon(true);
        reader.start();
    }

    private void read(String bootstrap, List<String> topics) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new EventDeserializer(codec) {
            @Override
            public SpecificRecord deserialize(String topic, byte[] data) {
                if (data != null && data.length > 0) {
                    synchronized (formats) {
                        formats.merge(data[0] == 0 ? WireFormat.CONFLUENT : WireFormat.SINGLE_OBJECT, 1, Integer::sum);
                    }
                }
                return super.deserialize(topic, data);
            }
        })) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.forEach(consumer::position);
            reading.countDown();
            while (running) {
                for (ConsumerRecord<String, SpecificRecord> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() != null) {
                        synchronized (entries) {
                            entries.add(new Entry(record.topic(), record.value()));
                            entries.notifyAll();
                        }
                    }
                }
            }
        }
    }

    /** How many records of each wire format were read so far (by their first byte). */
    Map<WireFormat, Integer> formats() {
        synchronized (formats) {
            return Map.copyOf(formats);
        }
    }

    /** Blocks until the consumer holds every partition, so no event of the test's own run is missed by timing. */
    void awaitReading(Duration timeout) throws InterruptedException {
        if (!reading.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the event reader did not get the topics' partitions within " + timeout.toSeconds() + " s");
        }
    }

    /** How many events were read so far (a position for {@link #await}). */
    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    /**
     * The first event of {@code type} matching {@code match}; fails at once when an event at position
     * {@code failFrom} or later matching {@code failure} comes first, and after {@code timeout}.
     */
    <T extends SpecificRecord> T await(Class<T> type, Predicate<T> match, int failFrom, Predicate<SpecificRecord> failure,
                                       Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        synchronized (entries) {
            while (true) {
                for (; seen < entries.size(); seen++) {
                    SpecificRecord event = entries.get(seen).event();
                    if (type.isInstance(event) && match.test(type.cast(event))) {
                        return type.cast(event);
                    }
                    if (seen >= failFrom && failure.test(event)) {
                        throw new UnexpectedEvent("while waiting for " + type.getSimpleName() + ": " + event.getClass().getSimpleName()
                                + " " + EventJson.toJson(event));
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no " + type.getSimpleName() + " within " + timeout.toSeconds() + " s; the last events: "
                            + entries.subList(Math.max(0, entries.size() - 8), entries.size()).stream()
                            .map(e -> e.event().getClass().getSimpleName() + " " + EventJson.toJson(e.event())).toList());
                }
                entries.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** Every event read so far, in the order read. */
    List<Entry> snapshot() {
        synchronized (entries) {
            return List.copyOf(entries);
        }
    }

    /** The last event of {@code type} matching {@code match}, if any. */
    <T extends SpecificRecord> Optional<T> last(Class<T> type, Predicate<T> match) {
        synchronized (entries) {
            for (int i = entries.size() - 1; i >= 0; i--) {
                SpecificRecord event = entries.get(i).event();
                if (type.isInstance(event) && match.test(type.cast(event))) {
                    return Optional.of(type.cast(event));
                }
            }
        }
        return Optional.empty();
    }

    /** When an event happened, by its header. */
    static Instant occurredAt(SpecificRecord event) {
        return (Instant) ((io.sluice.events.EventHeader) event.get(event.getSchema().getField("header").pos())).getOccurredAt();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        reader.join(5000);
    }
}
