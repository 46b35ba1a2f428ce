package io.sluice.platform.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;
import org.springframework.test.context.DynamicPropertyRegistry;

import io.sluice.events.codec.EventCodec;
import io.sluice.platform.kafka.TopicLayout;

/**
 * One embedded KRaft cluster per test class, with every Sluice topic and its DLT created as the services
 * create them ({@link TopicLayout}), and helpers to publish events and wait for them.
 *
 * <pre>{@code
 * @RegisterExtension static SluiceKafka kafka = new SluiceKafka();          // one broker, one partition
 * @RegisterExtension static SluiceKafka kafka = SluiceKafka.cluster(3);     // three brokers, 3 partitions, 3 replicas
 * @DynamicPropertySource static void kafka(DynamicPropertyRegistry r) { kafka.register(r); }
 * }</pre>
 *
 * A cluster has one KRaft controller (combined with broker 0) and {@code brokers} brokers. Not one
 * controller per broker: with several controller voters, Kafka 4.1's followers send UpdateRaftVoter to the
 * leader, the test kit's leader answers INVALID_REQUEST, and the followers' raft thread stops
 * ("IllegalStateException: Received unexpected invalid request error" at
 * {@code KafkaRaftClient.handleUpdateVoterResponse}); the leader then resigns and the quorum is gone —
 * what spring-kafka's {@code EmbeddedKafkaKraftBroker(n)} (n controllers) does here every time.
 */
public final class SluiceKafka implements BeforeAllCallback, AfterAllCallback {

    private static final Duration POLL = Duration.ofMillis(100);

    private final EventCodec codec = EventCodec.singleObject();
    private final int brokers;
    private final int partitions;
    private final short replicationFactor;
    private KafkaClusterTestKit cluster;
    private KafkaProducer<String, byte[]> producer;

    public SluiceKafka() {
        this(1);
    }

    public SluiceKafka(int partitions) {
        this(1, partitions, (short) 1);
    }

    /**
     * A cluster of {@code brokers} KRaft brokers; every topic gets {@code partitions} partitions with
     * {@code replicationFactor} replicas, and the services are told the same (so they create nothing different).
     */
    public SluiceKafka(int brokers, int partitions, short replicationFactor) {
        if (replicationFactor > brokers) {
            throw new IllegalArgumentException(replicationFactor + " replicas need as many brokers, not " + brokers);
        }
        this.brokers = brokers;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
    }

    /**
     * {@code brokers} brokers; every topic with 3 partitions (at least), one replica on every broker (at most 3) and
     * {@code min.insync.replicas} 2 when replicated: what the replica tests run on.
     */
    public static SluiceKafka cluster(int brokers) {
        return new SluiceKafka(brokers, Math.max(3, brokers), (short) Math.min(3, brokers));
    }

    /** {@code min.insync.replicas} of every topic: 2 when replicated, so an acknowledged record is on two brokers. */
    public int minInsyncReplicas() {
        return replicationFactor > 1 ? 2 : 1;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    /** Starts the cluster and creates the topics (idempotent; for use outside JUnit's lifecycle). */
    public synchronized SluiceKafka start() throws Exception {
        if (cluster != null) {
            return this;
        }
        // a fault in the embedded servers must fail the test, never end the JVM (surefire would report a crash)
        Exit.setExitProcedure((code, message) -> {
            throw new IllegalStateException("embedded Kafka called exit(" + code + "): " + message);
        });
        Exit.setHaltProcedure((code, message) -> {
            throw new IllegalStateException("embedded Kafka called halt(" + code + "): " + message);
        });
        TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumControllerNodes(1).setNumBrokerNodes(brokers).build();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
        String internalReplicas = String.valueOf(replicationFactor);
        Map.of("auto.create.topics.enable", "true",
                "group.initial.rebalance.delay.ms", "0",
                "num.partitions", String.valueOf(partitions),
                "default.replication.factor", internalReplicas,
                "offsets.topic.replication.factor", internalReplicas,
                "offsets.topic.num.partitions", "5",
                "transaction.state.log.replication.factor", internalReplicas,
                "transaction.state.log.min.isr", String.valueOf(minInsyncReplicas()),
                "delete.topic.enable", "true").forEach(builder::setConfigProp);
        long began = System.nanoTime();
        KafkaClusterTestKit started = builder.build();
        try {
            started.format();
            started.startup();
            started.waitForReadyBrokers();
        } catch (Exception e) {
            started.close();
            throw e;
        }
        cluster = started;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.createTopics(new TopicLayout(partitions, replicationFactor, minInsyncReplicas()).newTopics()).all().get();
        }
        System.out.printf("SluiceKafka: %d broker(s) up with every topic (%d partitions, %d replicas) in %d ms%n", brokers, partitions,
                replicationFactor, (System.nanoTime() - began) / 1_000_000);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        return this;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    public synchronized void stop() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
        if (cluster != null) {
            try {
                cluster.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not stop the embedded Kafka cluster", e);
            } finally {
                cluster = null;
            }
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Points Spring Kafka and the Spring Cloud Stream binder at this broker. */
    public void register(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", this::bootstrapServers);
        registry.add("spring.cloud.stream.kafka.binder.brokers", this::bootstrapServers);
        registry.add("sluice.kafka.topics.partitions", () -> partitions);
        registry.add("sluice.kafka.topics.replication-factor", () -> replicationFactor);
        registry.add("sluice.kafka.topics.min-insync-replicas", this::minInsyncReplicas);
    }

    /** The same settings as command-line arguments, for services started with SpringApplication. */
    public List<String> arguments() {
        return List.of("--spring.kafka.bootstrap-servers=" + bootstrapServers(),
                "--spring.cloud.stream.kafka.binder.brokers=" + bootstrapServers(),
                "--sluice.kafka.topics.partitions=" + partitions, "--sluice.kafka.topics.replication-factor=" + replicationFactor,
                "--sluice.kafka.topics.min-insync-replicas=" + minInsyncReplicas());
    }

    /** The embedded cluster (its brokers and controller). */
    public KafkaClusterTestKit cluster() {
        return cluster;
    }

    public int brokers() {
        return brokers;
    }

    public short replicationFactor() {
        return replicationFactor;
    }

    public int partitions() {
        return partitions;
    }

    public EventCodec codec() {
        return codec;
    }

    /** Publishes an event, encoded as the services encode it, and waits for the broker's ack. */
    public void publish(String topic, String key, SpecificRecord event) {
        publishRaw(topic, key, codec.encode(event));
    }

    /** Publishes raw bytes (malformed records, JSON notifications) and waits for the ack. */
    public void publishRaw(String topic, String key, byte[] value, Header... headers) {
        try {
            producer.send(new ProducerRecord<>(topic, null, key, value, List.of(headers))).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not publish to " + topic, e);
        }
    }

    /** Waits for the first event of a type on a topic that matches, reading from the beginning. */
    public <T extends SpecificRecord> T await(String topic, Class<T> type, Predicate<T> match, Duration timeout) {
        List<T> found = awaitEvents(topic, type, match, 1, timeout);
        return found.get(0);
    }

    /** Waits until at least {@code count} matching events of a type are on the topic; returns all found. */
    public <T extends SpecificRecord> List<T> awaitEvents(String topic, Class<T> type, Predicate<T> match, int count,
                                                          Duration timeout) {
        List<T> found = new ArrayList<>();
        awaitRecords(topic, record -> {
            if (record.value() == null) {
                return false;
            }
            try {
                SpecificRecord event = codec.decode(record.value());
                if (type.isInstance(event) && match.test(type.cast(event))) {
                    found.add(type.cast(event));
                    return true;
                }
            } catch (RuntimeException undecodable) {
                // not an event of ours: not a match
            }
            return false;
        }, count, timeout);
        return found;
    }

    /** Every decodable event on the topic right now, in offset order per partition. */
    public List<SpecificRecord> events(String topic) {
        List<SpecificRecord> events = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records(topic)) {
            try {
                events.add(codec.decode(record.value()));
            } catch (RuntimeException undecodable) {
                // skip
            }
        }
        return events;
    }

    /** Every record on the topic right now. */
    public List<ConsumerRecord<String, byte[]>> records(String topic) {
        List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> assigned = assignFromStart(consumer, topic);
            Map<TopicPartition, Long> ends = consumer.endOffsets(assigned);
            while (assigned.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                consumer.poll(POLL).forEach(all::add);
            }
        }
        return all;
    }

    /** Waits until {@code count} records on the topic match; returns the matching records. */
    public List<ConsumerRecord<String, byte[]>> awaitRecords(String topic, Predicate<ConsumerRecord<String, byte[]>> match,
                                                             int count, Duration timeout) {
        List<ConsumerRecord<String, byte[]>> matched = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            assignFromStart(consumer, topic);
            while (matched.size() < count) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out after " + timeout + " waiting for " + count + " matching record(s) on "
                            + topic + "; found " + matched.size());
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    if (match.test(record)) {
                        matched.add(record);
                    }
                }
            }
        }
        return matched;
    }

    /** The value of a header as text, or null. */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-kit-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> assignFromStart(KafkaConsumer<String, byte[]> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }
}
