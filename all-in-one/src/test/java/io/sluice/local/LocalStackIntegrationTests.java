package io.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.platform.events.SluiceTopics;

/** The local stack's broker is a real KRaft broker with every topic, formats its log whatever cluster id it finds, and keeps its data across a restart. */
class LocalStackIntegrationTests {

    @TempDir
    Path dataDir;

    @Test
    void startsARealBrokerWithTheTopicsAndKeepsItsDataAcrossARestart() throws Exception {
        int port = freePortPair();
        LocalStack.Options options = new LocalStack.Options(Path.of("."), dataDir, port, List.of(), true, Duration.ofSeconds(60));

        // a cluster id left by an older version that kafka-storage would read as an option (1 in 64 of them did)
        Files.writeString(dataDir.resolve("kafka-cluster-id"), "-Tc9ikNpRlWOr3ZbhZlQTQ");

        LocalStack first = new LocalStack(options);
        try {
            first.start();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + port))) {
                assertThat(admin.listTopics().names().get()).containsAll(SluiceTopics.namesWithDeadLetters());
                ConfigResource state = new ConfigResource(ConfigResource.Type.TOPIC, SluiceTopics.DEPLOYMENT_STATE);
                ConfigEntry policy = admin.describeConfigs(List.of(state)).all().get().get(state).get("cleanup.policy");
                assertThat(policy.value()).isEqualTo("compact");
            }
            Properties producer = new Properties();
            producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + port);
            try (KafkaProducer<String, String> out = new KafkaProducer<>(producer, new StringSerializer(), new StringSerializer())) {
                out.send(new ProducerRecord<>(SluiceTopics.DATASETS, "digits", "kept")).get();
            }
        } finally {
            first.stop();
        }

        LocalStack second = new LocalStack(options);
        try {
            second.start();
            Properties consumer = new Properties();
            consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + port);
            try (KafkaConsumer<String, String> in = new KafkaConsumer<>(consumer, new StringDeserializer(), new StringDeserializer())) {
                TopicPartition partition = new TopicPartition(SluiceTopics.DATASETS, 0);
                in.assign(List.of(partition));
                in.seekToBeginning(List.of(partition));
                var records = in.poll(Duration.ofSeconds(10));
                assertThat(records.records(partition)).extracting(r -> r.value()).containsExactly("kept");
            }
            assertThat(dataDir.resolve("admin-token")).isNotEmptyFile();
        } finally {
            second.stop();
        }
    }

    /** A free port whose successor (the controller listener) is free too. */
    private static int freePortPair() throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket socket = new ServerSocket(0)) {
                int port = socket.getLocalPort();
                try (ServerSocket next = new ServerSocket(port + 1)) {
                    return port;
                } catch (java.io.IOException taken) {
                    // try another
                }
            }
        }
        throw new IllegalStateException("no free port pair");
    }
}
