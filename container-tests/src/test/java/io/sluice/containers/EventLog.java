package io.sluice.containers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.sluice.events.codec.kafka.EventDeserializer;
import io.sluice.platform.events.EventJson;

/** Every event on the given topics from their beginning, read from the broker by a plain consumer and the shared codec. */
final class EventLog implements AutoCloseable {

    private final List<SpecificRecord> events = new ArrayList<>();
    private final Thread reader;
    private final CountDownLatch assigned = new CountDownLatch(1);
    private volatile boolean running = true;

    EventLog(String bootstrap, List<String> topics) {
        reader = new Thread(() -> read(bootstrap, topics), "container-tests-event-log");
        reader.setDaemon(true);
        reader.start();
    }

    private void read(String bootstrap, List<String> topics) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new EventDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic, Duration.ofSeconds(60)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            assigned.countDown();
            while (running) {
                for (ConsumerRecord<String, SpecificRecord> record : consumer.poll(Duration.ofMillis(100))) {
                    if (record.value() != null) {
                        synchronized (events) {
                            events.add(record.value());
                            events.notifyAll();
                        }
                    }
                }
            }
        }
    }

    void awaitAssigned(Duration timeout) throws InterruptedException {
        if (!assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the event reader got no partitions within " + timeout.toSeconds() + " s");
        }
    }

    /** How many events were read so far: a position for {@link #await} and {@link #since}. */
    int size() {
        synchronized (events) {
            return events.size();
        }
    }

    /** Events of {@code type} matching {@code match} from position {@code from} on. */
    <T extends SpecificRecord> List<T> since(int from, Class<T> type, Predicate<T> match) {
        synchronized (events) {
            return events.subList(from, events.size()).stream().filter(type::isInstance).map(type::cast).filter(match).toList();
        }
    }

    /** The first event of {@code type} matching {@code match} at position {@code from} or later. */
    <T extends SpecificRecord> T await(int from, Class<T> type, Predicate<T> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            int seen = from;
            while (true) {
                for (; seen < events.size(); seen++) {
                    if (type.isInstance(events.get(seen)) && match.test(type.cast(events.get(seen)))) {
                        return type.cast(events.get(seen));
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no " + type.getSimpleName() + " within " + timeout.toSeconds() + " s; the last events: "
                            + events.subList(Math.max(0, events.size() - 6), events.size()).stream()
                            .map(e -> e.getClass().getSimpleName() + " " + EventJson.toJson(e)).toList());
                }
                events.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        reader.join(5000);
    }
}
