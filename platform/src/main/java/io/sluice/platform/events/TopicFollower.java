package io.sluice.platform.events;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import io.sluice.events.codec.EventCodec;
import io.sluice.platform.kafka.KafkaClients;
import io.sluice.platform.security.LogSafe;

/**
 * State derived from topics on every replica: reads every partition of the topics from the
 * beginning without a consumer group (nothing committed, nobody else's offsets move), hands each
 * decoded event to the listener, then keeps following; topics and partitions created later are
 * picked up. It never gives up: when the broker cannot be reached it retries with backoff (200 ms
 * doubling to 10 s) and continues from the positions it had, so the state catches up without a
 * restart. {@link #status()} is not current until the first replay reached the end offsets seen at
 * the start, while the broker does not answer, and after an outage until the end offsets seen on
 * reconnecting are reached; or when it fell a whole check interval behind. Tombstones and
 * undecodable records are skipped (the services' bindings dead-letter them).
 */
public final class TopicFollower implements SmartLifecycle, DerivedState, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TopicFollower.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration MIN_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    /** What a follower delivers, on its own thread. */
    public interface Listener {

        /** One decoded event, in offset order within its partition. */
        void onEvent(String topic, String key, SpecificRecord event);

        /** The first replay reached the end offsets seen at the start (called once). */
        default void onCaughtUp() {}
    }

    /** What a follower delivers when the caller wants the raw records (dead letters, notifications, undecodable bytes). */
    public interface RecordListener {

        /** One record as it is on the topic, tombstones included, in offset order within its partition. */
        void onRecord(ConsumerRecord<String, byte[]> record);

        /** The first replay reached the end offsets seen at the start (called once). */
        default void onCaughtUp() {}
    }

    private final String name;
    private final KafkaClients clients;
    private final List<String> topics;
    private final RecordListener listener;
    private final Duration checkInterval;
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private final CountDownLatch firstCatchUp = new CountDownLatch(1);
    private volatile boolean running;
    private volatile boolean current;
    private volatile String reason = "replaying from the beginning";
    private volatile Instant lastContact;
    private volatile Map<TopicPartition, Long> target = Map.of();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    /**
     * @param name          client id, thread name and the name in health details
     * @param checkInterval how often partitions and end offsets are checked (and the broker's answer with them)
     */
    public TopicFollower(String name, KafkaClients clients, EventCodec codec, List<String> topics, Listener listener,
                         Duration checkInterval) {
        this(name, clients, topics, new RecordListener() {
            @Override
            public void onRecord(ConsumerRecord<String, byte[]> record) {
                deliver(codec, listener, name, record);
            }

            @Override
            public void onCaughtUp() {
                listener.onCaughtUp();
            }
        }, checkInterval);
    }

    /** A follower that hands over raw records. */
    public TopicFollower(String name, KafkaClients clients, List<String> topics, RecordListener listener, Duration checkInterval) {
        this.name = name;
        this.clients = clients;
        this.topics = List.copyOf(topics);
        this.listener = listener;
        this.checkInterval = checkInterval;
    }

    public TopicFollower(String name, KafkaClients clients, EventCodec codec, List<String> topics, Listener listener) {
        this(name, clients, codec, topics, listener, Duration.ofSeconds(2));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Status status() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("topics", topics);
        if (!current) {
            details.put("reason", reason);
        }
        details.put("lastContact", lastContact == null ? "never" : lastContact.toString());
        return new Status(current, details);
    }

    /** Waits until the first replay reached the end offsets seen at the start; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return firstCatchUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the first replay has caught up (it may be behind again since; see {@link #status()}). */
    public boolean hasCaughtUp() {
        return firstCatchUp.getCount() == 0;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        KafkaConsumer<String, byte[]> reader = consumer;
        if (reader != null) {
            reader.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        Duration backoff = MIN_BACKOFF;
        boolean reported = false;
        while (running) {
            try (KafkaConsumer<String, byte[]> reader = clients.reader(name, Map.of(
                    ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.max(checkInterval.toMillis() * 2, 2000),
                    ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2000))) {
                consumer = reader;
                reassign(reader);
                long nextCheck = 0;
                while (running) {
                    if (System.nanoTime() >= nextCheck) {
                        check(reader);
                        nextCheck = System.nanoTime() + checkInterval.toNanos();
                        backoff = MIN_BACKOFF;
                        if (reported) {
                            log.info("{}: the broker answers again; catching up", name);
                            reported = false;
                        }
                    }
                    if (!positions.isEmpty()) {
                        poll(reader);
                    } else {
                        sleep(POLL);
                    }
                    if (!current && reached(reader, target)) {
                        caughtUp();
                    }
                }
            } catch (WakeupException e) {
                // stopping
            } catch (RuntimeException e) {
                if (!running) {
                    break;
                }
                current = false;
                reason = "cannot read " + topics + ": " + e;
                if (!reported) {
                    log.warn("{}: {}; retrying with backoff until it can", name, LogSafe.text(reason));
                    reported = true;
                }
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            } finally {
                consumer = null;
            }
        }
    }

    /** Assigns the partitions known so far at their positions (after a reconnect: where it stopped). */
    private void reassign(KafkaConsumer<String, byte[]> reader) {
        if (positions.isEmpty()) {
            return;
        }
        reader.assign(positions.keySet());
        positions.forEach(reader::seek);
    }

    /** Finds new partitions, reads the end offsets (proof that the broker answers) and sets the catch-up target. */
    private void check(KafkaConsumer<String, byte[]> reader) {
        List<TopicPartition> added = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> partitions = reader.partitionsFor(topic);
            if (partitions != null) {
                partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).filter(tp -> !positions.containsKey(tp))
                        .forEach(added::add);
            }
        }
        if (!added.isEmpty()) {
            added.forEach(tp -> positions.put(tp, 0L));
            reader.assign(positions.keySet());
            reader.seekToBeginning(added);
        }
        Map<TopicPartition, Long> ends = positions.isEmpty() ? Map.of() : reader.endOffsets(positions.keySet());
        lastContact = Instant.now();
        if (current && !reached(reader, target)) {
            current = false;
            reason = "behind the end offsets seen " + checkInterval + " ago";
        } else if (!current && reason.startsWith("cannot read")) {
            reason = "catching up after the broker could not be reached";
        }
        target = ends;
    }

    private boolean reached(KafkaConsumer<String, byte[]> reader, Map<TopicPartition, Long> ends) {
        if (lastContact == null) {
            return false;
        }
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (positions.getOrDefault(end.getKey(), 0L) < end.getValue() && reader.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void caughtUp() {
        current = true;
        if (firstCatchUp.getCount() > 0) {
            try {
                listener.onCaughtUp();
            } catch (RuntimeException e) {
                log.warn("{}: the caught-up callback failed: {}", name, LogSafe.text(e));
            }
            log.info("{}: caught up with {}", name, topics);
            firstCatchUp.countDown();
        }
    }

    private void poll(KafkaConsumer<String, byte[]> reader) {
        for (ConsumerRecord<String, byte[]> record : reader.poll(POLL)) {
            positions.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
            try {
                listener.onRecord(record);
            } catch (RuntimeException e) {
                log.warn("{} skips {}-{}@{}: {}", name, record.topic(), record.partition(), record.offset(), LogSafe.text(e));
            }
        }
        for (TopicPartition tp : positions.keySet()) {
            positions.put(tp, reader.position(tp));
        }
    }

    /** Decodes one record and hands it to the listener; tombstones and junk are skipped, listener failures logged. */
    static void deliver(EventCodec codec, Listener listener, String name, ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return; // a tombstone on a compacted topic
        }
        SpecificRecord event;
        try {
            event = codec.decode(record.value());
        } catch (RuntimeException e) {
            log.debug("{} skips an undecodable record at {}-{}@{}: {}", name, record.topic(), record.partition(), record.offset(),
                    LogSafe.text(e));
            return;
        }
        try {
            listener.onEvent(record.topic(), record.key(), event);
        } catch (RuntimeException e) {
            log.warn("{} skips {} at {}-{}@{}: {}", name, event.getSchema().getName(), record.topic(), record.partition(),
                    record.offset(), LogSafe.text(e));
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
