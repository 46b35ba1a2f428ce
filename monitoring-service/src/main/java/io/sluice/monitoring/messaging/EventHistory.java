package io.sluice.monitoring.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.sluice.events.CanaryDegraded;
import io.sluice.events.CanaryHealthy;
import io.sluice.events.CanaryInconclusive;
import io.sluice.events.DriftDetected;
import io.sluice.events.EventHeader;
import io.sluice.events.ModelPromoted;
import io.sluice.events.RetrainingRequested;
import io.sluice.events.codec.kafka.EventDeserializer;
import io.sluice.monitoring.MonitoringProperties;
import io.sluice.monitoring.domain.MonitoringMemory;
import io.sluice.monitoring.domain.Promotion;
import io.sluice.monitoring.domain.Release;
import io.sluice.platform.events.EventHeaders;

/**
 * Rebuilds {@link MonitoringMemory} from Kafka and keeps it current: reads {@code sluice.monitoring}
 * (verdicts and drift events already published), {@code sluice.training} (retraining requests) and
 * {@code sluice.deployments} (promotions) from {@code max(retention, retrain-cooldown, production-watch)}
 * ago, on every partition and without a consumer group, then tails them. The analysis loops wait
 * for {@link #ready()}: until the history read at start is caught up, a restarted instance would
 * publish a step's verdict again or request retraining inside the cooldown.
 */
@Component
class EventHistory implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EventHistory.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(5);

    private final Map<String, Object> config;
    private final MonitoringProperties properties;
    private final MonitoringMemory memory;
    private final String service;
    private final Clock clock;
    private final EventDeserializer decoder = new EventDeserializer();
    private volatile boolean running;
    private volatile boolean ready;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    EventHistory(KafkaProperties kafka, MonitoringProperties properties, MonitoringMemory memory, EventHeaders headers, Clock clock) {
        this.config = new HashMap<>(kafka.buildConsumerProperties());
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBootstrapServers());
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "monitoring-service-history");
        this.properties = properties;
        this.memory = memory;
        String producer = headers.producer();
        this.service = producer.contains("/") ? producer.substring(0, producer.indexOf('/')) : producer;
        this.clock = clock;
    }

    /** True once everything published before the start has been read. */
    boolean ready() {
        return ready;
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::run, "monitoring-history");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(10_000);
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
        while (running) {
            try (KafkaConsumer<String, byte[]> kafka = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
                consumer = kafka;
                if (!running) {
                    return;
                }
                follow(kafka);
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("reading the event history failed, retrying in {}: {}", RETRY, e.toString());
                sleep(RETRY);
            } finally {
                consumer = null;
            }
        }
    }

    private void follow(KafkaConsumer<String, byte[]> kafka) {
        List<String> topics = List.of(properties.topics().monitoring(), properties.topics().training(), properties.topics().deployments());
        List<TopicPartition> partitions = partitions(kafka, topics);
        kafka.assign(partitions);
        Instant since = clock.instant().minus(lookback());
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(p -> query.put(p, since.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> starts = kafka.offsetsForTimes(query);
        Map<TopicPartition, Long> ends = kafka.endOffsets(partitions);
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp start = starts.get(partition);
            kafka.seek(partition, start == null ? ends.get(partition) : start.offset());
        }
        long read = 0;
        while (running) {
            for (ConsumerRecord<String, byte[]> record : kafka.poll(POLL)) {
                read++;
                observe(record);
            }
            if (!ready && partitions.stream().allMatch(p -> kafka.position(p) >= ends.get(p))) {
                ready = true;
                log.info("event history read ({} records since {}); analysis starts", read, since);
            }
        }
    }

    /** The partitions of the topics; waits for topics that do not exist yet, and goes on without them after a while. */
    private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> kafka, List<String> topics) {
        Set<String> missing = new LinkedHashSet<>(topics);
        List<TopicPartition> partitions = new ArrayList<>();
        for (int attempt = 0; attempt < 6 && !missing.isEmpty() && running; attempt++) {
            for (String topic : List.copyOf(missing)) {
                var infos = kafka.partitionsFor(topic, Duration.ofSeconds(10));
                if (infos != null && !infos.isEmpty()) {
                    infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
                    missing.remove(topic);
                }
            }
            if (!missing.isEmpty()) {
                sleep(RETRY);
            }
        }
        if (!missing.isEmpty()) {
            log.warn("topics {} do not exist; the history goes on without them", missing);
        }
        return partitions;
    }

    private Duration lookback() {
        Duration longest = properties.retention();
        for (Duration d : List.of(properties.drift().retrainCooldown(), properties.productionWatch().plus(properties.window()))) {
            longest = d.compareTo(longest) > 0 ? d : longest;
        }
        return longest;
    }

    /** Feeds one record into the memory; other event types and undecodable records are skipped (their consumers dead-letter them). */
    void observe(ConsumerRecord<String, byte[]> record) {
        SpecificRecord event;
        try {
            event = record.value() == null ? null : decoder.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            log.debug("skipping undecodable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.toString());
            return;
        }
        if (event instanceof ModelPromoted promoted) {
            EventHeader header = promoted.getHeader();
            memory.promotions().observed(new Promotion(promoted.getModelName(), promoted.getVersion(), promoted.getPreviousVersion(),
                    header.getOccurredAt(), header.getEventId(), header.getCorrelationId()));
        } else if (event instanceof CanaryDegraded degraded && degraded.getStepIndex() < 0) {
            // step -1 is a production check or a shadow; the step key (version, start) tells them apart, so both gates learn it
            String stepKey = Release.stepKey(degraded.getCanaryVersion(), degraded.getStepIndex(), degraded.getWindow().getStart());
            memory.production().observed(degraded.getModelName(), stepKey, true, degraded.getHeader().getOccurredAt());
            memory.canaries().observed(degraded.getModelName(), stepKey, true, degraded.getHeader().getOccurredAt());
        } else if (event instanceof CanaryDegraded degraded) {
            memory.canaries().observed(degraded.getModelName(), Release.stepKey(degraded.getCanaryVersion(), degraded.getStepIndex(),
                    degraded.getWindow().getStart()), true, degraded.getHeader().getOccurredAt());
        } else if (event instanceof CanaryHealthy healthy) {
            memory.canaries().observed(healthy.getModelName(), Release.stepKey(healthy.getCanaryVersion(), healthy.getStepIndex(),
                    healthy.getWindow().getStart()), true, healthy.getHeader().getOccurredAt());
        } else if (event instanceof CanaryInconclusive held) {
            memory.canaries().observed(held.getModelName(), Release.stepKey(held.getCanaryVersion(), held.getStepIndex(),
                    held.getWindow().getStart()), false, held.getHeader().getOccurredAt());
        } else if (event instanceof DriftDetected drift && ours(drift.getHeader())) {
            memory.drifts().observed(MonitoringMemory.driftKey(drift.getModelName(), drift.getModelVersion(), drift.getKind().name()),
                    drift.getHeader().getOccurredAt());
        } else if (event instanceof RetrainingRequested retraining && ours(retraining.getHeader())) {
            memory.retrainings().observed(retraining.getModelName(), retraining.getHeader().getOccurredAt());
        }
    }

    /** True for an event this service published (another producer's retraining request does not start our cooldown). */
    private boolean ours(EventHeader header) {
        String producer = header.getProducer();
        return producer != null && (producer.equals(service) || producer.startsWith(service + "/"));
    }

    private void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
