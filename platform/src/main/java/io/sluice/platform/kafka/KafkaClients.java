package io.sluice.platform.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/**
 * The one place Kafka clients outside the bindings are built: from Spring's {@code spring.kafka.*}
 * ({@link KafkaProperties}: bootstrap servers, {@code security.protocol}, SSL key and trust stores,
 * SASL/JAAS and any {@code spring.kafka.properties.*}), so recovery readers, derived-state followers
 * and dead-letter producers connect exactly as the bindings do. Readers never join a consumer group
 * and never commit; producers wait for every in-sync replica and are idempotent.
 */
public final class KafkaClients {

    private final Map<String, Object> consumer;
    private final Map<String, Object> producer;
    private final Map<String, Object> admin;

    private KafkaClients(Map<String, Object> consumer, Map<String, Object> producer, Map<String, Object> admin) {
        this.consumer = Map.copyOf(consumer);
        this.producer = Map.copyOf(producer);
        this.admin = Map.copyOf(admin);
    }

    /** Clients configured as Spring's Kafka support configures its own. */
    public static KafkaClients from(KafkaProperties properties) {
        return new KafkaClients(properties.buildConsumerProperties(), properties.buildProducerProperties(),
                properties.buildAdminProperties());
    }

    /** Clients for a plain bootstrap address (tools and tests without Spring settings). */
    public static KafkaClients forBootstrap(String bootstrapServers) {
        Map<String, Object> common = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return new KafkaClients(common, common, common);
    }

    /** The bootstrap servers, as configured (for messages). */
    public String bootstrapServers() {
        Object servers = consumer.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        return servers instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList()) : String.valueOf(servers);
    }

    /**
     * Settings of a reader outside any consumer group: String keys, raw values, nothing committed,
     * from the earliest offset when a position is lost.
     */
    public Map<String, Object> readerConfig(String clientId) {
        Map<String, Object> config = new HashMap<>(consumer);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false); // reading must not create a topic with broker defaults
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return config;
    }

    /** A reader (see {@link #readerConfig}) with extra settings on top. */
    public KafkaConsumer<String, byte[]> reader(String clientId, Map<String, Object> overrides) {
        Map<String, Object> config = readerConfig(clientId);
        config.putAll(overrides);
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Settings of a producer: acknowledged by every in-sync replica, idempotent; serializers are the caller's. */
    public Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>(producer);
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        config.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        config.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return config;
    }

    /** A producer of String keys and raw values (see {@link #producerConfig}). */
    public KafkaProducer<String, byte[]> producer(String clientId) {
        Map<String, Object> config = producerConfig();
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /** Settings of an admin client. */
    public Map<String, Object> adminConfig() {
        return new HashMap<>(admin);
    }

    /** An admin client; the caller closes it. */
    public Admin admin() {
        return Admin.create(adminConfig());
    }
}
