package io.sluice.platform.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sluice.events.codec.EventCodec;

/**
 * Rebuilds state from Sluice topics: reads them from the beginning without a consumer group
 * (nothing is committed, no one else's offsets move), decodes each record and hands it to a
 * listener. {@link #readToEnd} reads up to the end offsets seen at the start and returns;
 * {@link #follow} keeps reading afterwards on its own thread, tells the listener once it has
 * caught up, and picks up topics created later. Tombstones and undecodable records are skipped
 * with a log line: the services' own bindings dead-letter them.
 */
public final class TopicReplay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TopicReplay.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration REFRESH = Duration.ofSeconds(10);

    /** What a replay delivers. */
    public interface Listener {

        /** One decoded event, in offset order within its partition. */
        void onEvent(String topic, String key, SpecificRecord event);

        /** Everything up to the end offsets seen at the start has been delivered (called once, on the replay thread). */
        default void onCaughtUp() {}
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final EventCodec codec;
    private final List<String> topics;
    private final Listener listener;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Set<TopicPartition> assigned = new HashSet<>();
    private final Map<TopicPartition, Long> startEnds = new HashMap<>();
    private volatile boolean running = true;
    private Thread thread;

    private TopicReplay(String bootstrapServers, String clientId, EventCodec codec, List<String> topics, Listener listener) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.codec = codec;
        this.topics = List.copyOf(topics);
        this.listener = listener;
    }

    /**
     * Delivers every event on {@code topics} up to the end offsets seen now, on the calling thread.
     *
     * @throws IllegalStateException when the end is not reached within {@code timeout}
     */
    public static void readToEnd(String bootstrapServers, String clientId, EventCodec codec, List<String> topics,
                                 Duration timeout, Listener listener) {
        try (TopicReplay replay = new TopicReplay(bootstrapServers, clientId, codec, topics, listener)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            replay.assignNew(timeout);
            while (!replay.reachedStartEnds()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topics + " to the end within " + timeout);
                }
                replay.pollOnce();
            }
            listener.onCaughtUp();
        }
    }

    /** Replays {@code topics} and keeps following them on a daemon thread named {@code clientId} until {@link #close}. */
    public static TopicReplay follow(String bootstrapServers, String clientId, EventCodec codec, List<String> topics,
                                     Listener listener) {
        TopicReplay replay = new TopicReplay(bootstrapServers, clientId, codec, topics, listener);
        replay.thread = new Thread(replay::run, clientId);
        replay.thread.setDaemon(true);
        replay.thread.start();
        return replay;
    }

    /** Waits until everything up to the end offsets seen at the start has been delivered; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the replay has caught up with the end offsets seen at the start. */
    public boolean isCaughtUp() {
        return caughtUp.getCount() == 0;
    }

    private void run() {
        long nextRefresh = 0;
        try {
            while (running) {
                if (System.nanoTime() >= nextRefresh) {
                    assignNew(Duration.ofSeconds(5));
                    nextRefresh = System.nanoTime() + REFRESH.toNanos();
                }
                if (assigned.isEmpty()) {
                    if (!isCaughtUp()) {
                        log.info("none of {} exists yet: starting from nothing", topics);
                        signalCaughtUp();
                    }
                    Thread.sleep(500);
                    continue;
                }
                pollOnce();
                if (!isCaughtUp() && reachedStartEnds()) {
                    signalCaughtUp();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("the replay of {} stopped: {}", topics, e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void signalCaughtUp() {
        try {
            listener.onCaughtUp();
        } catch (RuntimeException e) {
            log.warn("the caught-up callback of the replay of {} failed: {}", topics, e.toString());
        }
        caughtUp.countDown();
    }

    /** Assigns the partitions not assigned yet (topics may be created after the start), each from its beginning. */
    private void assignNew(Duration timeout) {
        List<TopicPartition> added = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
            if (partitions != null) {
                partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).filter(tp -> !assigned.contains(tp))
                        .forEach(added::add);
            }
        }
        if (added.isEmpty()) {
            return;
        }
        assigned.addAll(added);
        consumer.assign(assigned);
        consumer.seekToBeginning(added);
        if (!isCaughtUp()) {
            startEnds.putAll(consumer.endOffsets(added, timeout));
        }
    }

    private boolean reachedStartEnds() {
        return startEnds.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private void pollOnce() {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
            if (record.value() == null) {
                continue; // a tombstone on a compacted topic
            }
            SpecificRecord event;
            try {
                event = codec.decode(record.value());
            } catch (RuntimeException e) {
                log.debug("replay skips an undecodable record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                        e.toString());
                continue;
            }
            try {
                listener.onEvent(record.topic(), record.key(), event);
            } catch (RuntimeException e) {
                log.warn("replay skips {} at {}-{}@{}: {}", event.getSchema().getName(), record.topic(), record.partition(),
                        record.offset(), e.toString());
            }
        }
    }

    /** Stops following (a {@link #readToEnd} replay closes itself). */
    @Override
    public void close() {
        running = false;
        if (thread == null) {
            consumer.close(Duration.ofSeconds(2));
            return;
        }
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
