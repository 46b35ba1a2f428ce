package io.sluice.deployment.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import io.sluice.deployment.domain.ReleaseEvent;
import io.sluice.deployment.domain.Releases;
import io.sluice.deployment.domain.RoutingTable;
import io.sluice.events.DeploymentState;
import io.sluice.events.codec.EventCodec;

/**
 * Rebuilds every release on start, before the input bindings consume anything: reads the compacted routing-table topic and the
 * deployments history to their end offsets and hands both to {@link Releases#restore}.
 */
final class ReleaseRecovery implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReleaseRecovery.class);
    /** Before Spring Cloud Stream's input bindings (Integer.MAX_VALUE - 3000). */
    static final int PHASE = Integer.MAX_VALUE - 4000;

    private final Releases releases;
    private final EventCodec codec;
    private final String brokers;
    private final String eventsTopic;
    private final String tableTopic;
    private final Duration timeout;
    private volatile boolean running;

    ReleaseRecovery(Releases releases, EventCodec codec, String brokers, String eventsTopic, String tableTopic, Duration timeout) {
        this.releases = releases;
        this.codec = codec;
        this.brokers = brokers;
        this.eventsTopic = eventsTopic;
        this.tableTopic = tableTopic;
        this.timeout = timeout;
    }

    @Override
    public void start() {
        long started = System.nanoTime();
        List<RoutingTable> tables = new ArrayList<>();
        for (SpecificRecord record : readToEnd(tableTopic)) {
            if (record instanceof DeploymentState state) {
                tables.add(ReleaseMapping.fromAvro(state));
            }
        }
        List<ReleaseEvent> history = new ArrayList<>();
        for (SpecificRecord record : readToEnd(eventsTopic)) {
            ReleaseEvent event = ReleaseMapping.fromAvro(record);
            if (event != null) {
                history.add(event);
            }
        }
        List<RoutingTable> republished = releases.restore(tables, history);
        log.info("restored {} release(s) from {} routing-table record(s) and {} event(s) in {} ms; republished {}",
                releases.all().size(), tables.size(), history.size(), (System.nanoTime() - started) / 1_000_000,
                republished.stream().map(t -> t.model() + "@" + t.revision()).toList());
        running = true;
    }

    /** Every decodable event on the topic from the beginning to the end offsets read at the start. */
    private List<SpecificRecord> readToEnd(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "deployment-service-recovery-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"); // no group: partitions are assigned, nothing is committed
        List<SpecificRecord> events = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() == null) {
                        continue; // a tombstone
                    }
                    try {
                        events.add(codec.decode(record.value()));
                    } catch (RuntimeException undecodable) {
                        log.warn("skipping undecodable record {}-{}@{}: {}", topic, record.partition(), record.offset(),
                                undecodable.toString());
                    }
                }
            }
        }
        return events;
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
