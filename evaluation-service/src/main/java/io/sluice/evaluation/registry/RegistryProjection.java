package io.sluice.evaluation.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

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
import org.springframework.context.SmartLifecycle;

import io.sluice.evaluation.domain.ModelRegistry;
import io.sluice.events.ModelApproved;
import io.sluice.events.ModelRejected;
import io.sluice.events.TrainingCompleted;
import io.sluice.events.codec.EventCodec;

/**
 * Keeps the registry projection current: on start it reads the training, evaluation, deployment
 * and routing-table topics from the beginning (no consumer group, nothing committed), then follows
 * them. Once it has caught up with the end offsets seen at start, {@link #awaitCaughtUp} returns
 * and every trained version still without a decision is handed to the recovery callback, so an
 * evaluation interrupted by a restart is redone. Records it cannot decode are skipped (the
 * service's consumer dead-letters them).
 */
public final class RegistryProjection implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RegistryProjection.class);
    private static final Duration REFRESH = Duration.ofSeconds(10);

    private final ModelRegistry registry;
    private final EventCodec codec;
    private final String bootstrapServers;
    private final List<String> topics;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Map<String, TrainingCompleted> undecided = new LinkedHashMap<>();
    private volatile Consumer<TrainingCompleted> recovery = e -> {};
    private volatile boolean running;
    private Thread thread;
    private KafkaConsumer<String, byte[]> consumer;

    /**
     * @param topics the topics to replay: training, evaluations, deployments and the routing table
     */
    public RegistryProjection(ModelRegistry registry, EventCodec codec, String bootstrapServers, List<String> topics) {
        this.registry = registry;
        this.codec = codec;
        this.bootstrapServers = bootstrapServers;
        this.topics = List.copyOf(topics);
    }

    /** Called, once caught up, with every trained version that has no decision yet. */
    public void onUndecided(Consumer<TrainingCompleted> callback) {
        this.recovery = callback;
    }

    /** Waits until the replay has reached the end offsets seen at start; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the replay has caught up. */
    public boolean isCaughtUp() {
        return caughtUp.getCount() == 0;
    }

    @Override
    public synchronized void start() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "evaluation-service-registry");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        running = true;
        thread = new Thread(this::run, "registry-projection");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        Set<TopicPartition> assigned = new HashSet<>();
        Map<TopicPartition, Long> startEnds = new HashMap<>();
        long nextRefresh = 0;
        try {
            while (running) {
                if (System.nanoTime() >= nextRefresh) {
                    assign(assigned, startEnds);
                    nextRefresh = System.nanoTime() + REFRESH.toNanos();
                    if (assigned.isEmpty() && !isCaughtUp()) {
                        log.info("none of {} exists yet: the model registry starts empty", topics);
                        caughtUp.countDown();
                    }
                }
                if (assigned.isEmpty()) {
                    Thread.sleep(500);
                    continue;
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    apply(record);
                }
                if (!isCaughtUp() && startEnds.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    List<TrainingCompleted> pending;
                    synchronized (undecided) {
                        pending = new ArrayList<>(undecided.values());
                    }
                    log.info("model registry caught up: {} model(s), {} version(s) awaiting a decision", registry.modelNames().size(),
                            pending.size());
                    // handed over before the latch opens, so whoever awaits the replay sees them accepted
                    for (TrainingCompleted event : pending) {
                        try {
                            recovery.accept(event);
                        } catch (RuntimeException e) {
                            log.warn("cannot resume the evaluation of {}/{}: {}", event.getModelName(), event.getModelVersion(), e.toString());
                        }
                    }
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("the model registry projection stopped: {}", e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void assign(Set<TopicPartition> assigned, Map<TopicPartition, Long> startEnds) {
        List<TopicPartition> found = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5));
            if (partitions != null) {
                partitions.forEach(p -> found.add(new TopicPartition(p.topic(), p.partition())));
            }
        }
        List<TopicPartition> added = found.stream().filter(tp -> !assigned.contains(tp)).toList();
        if (added.isEmpty()) {
            return;
        }
        assigned.addAll(added);
        consumer.assign(assigned);
        consumer.seekToBeginning(added);
        if (!isCaughtUp()) {
            startEnds.putAll(consumer.endOffsets(added));
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return; // a tombstone on the compacted routing table
        }
        SpecificRecord event;
        try {
            event = codec.decode(record.value());
        } catch (RuntimeException e) {
            log.debug("registry skips an undecodable record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.toString());
            return;
        }
        try {
            RegistryEvents.apply(registry, event);
        } catch (RuntimeException e) {
            log.warn("registry skips {} at {}-{}@{}: {}", event.getSchema().getName(), record.topic(), record.partition(), record.offset(),
                    e.toString());
            return;
        }
        synchronized (undecided) {
            if (event instanceof TrainingCompleted e) {
                // topics interleave in any order: the decision may have been applied already
                boolean decided = registry.get(e.getModelName(), e.getModelVersion()).map(v -> v.decision() != null).orElse(false);
                if (!decided) {
                    undecided.putIfAbsent(key(e.getModelName(), e.getModelVersion()), e);
                }
            } else if (event instanceof ModelApproved e) {
                undecided.remove(key(e.getModelName(), e.getModelVersion()));
            } else if (event instanceof ModelRejected e) {
                undecided.remove(key(e.getModelName(), e.getModelVersion()));
            }
        }
    }

    private static String key(String modelName, String version) {
        return modelName + "/" + version;
    }
}
