package io.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
import io.sluice.platform.kafka.Partitions;

/** {@code ./sluice up --brokers 3 --broker-only}: a real 3-node KRaft quorum whose topics keep taking writes with one node down. */
class KafkaClusterIntegrationTests {

    @TempDir
    Path dataDir;

    @TempDir
    Path userHome;

    @Test
    void replicatesTheTopicsThreeTimesAndTakesWritesWithOneBrokerDown() throws Exception {
        int port = LocalStackIntegrationTests.freePorts(6);
        LocalStack stack = new LocalStack(new UpOptions(Path.of("."), dataDir, port, List.of(), true, Duration.ofSeconds(240),
                0, Map.of(), 3, 1), userHome);
        try {
            stack.start();
            String bootstrap = "localhost:" + port + ",localhost:" + (port + 2) + ",localhost:" + (port + 4);
            assertThat(stack.bootstrapServers()).isEqualTo(bootstrap);
            assertThat(stack.processes()).extracting(c -> c.name).containsExactly("kafka-1", "kafka-2", "kafka-3");
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                TopicDescription datasets = admin.describeTopics(List.of(SluiceTopics.DATASETS)).allTopicNames().get().get(SluiceTopics.DATASETS);
                assertThat(datasets.partitions()).hasSize(6).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
                ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, SluiceTopics.DATASETS);
                assertThat(admin.describeConfigs(List.of(topic)).all().get().get(topic).get("min.insync.replicas").value()).isEqualTo("2");
            }

            // one node down for good (stopped, so the supervisor leaves it down): a quorum of two remains
            Supervisor.Child second = stack.processes().get(1);
            stack.stopProcess(second);
            assertThat(second.process().isAlive()).isFalse();

            Properties producer = new Properties();
            producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            producer.put(ProducerConfig.ACKS_CONFIG, "all");
            producer.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
            try (KafkaProducer<String, String> out = new KafkaProducer<>(producer, new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 3; i++) {
                    out.send(new ProducerRecord<>(SluiceTopics.DATASETS, "digits", "written with a broker down " + i)).get();
                }
            }
            Properties consumer = new Properties();
            consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            try (KafkaConsumer<String, String> in = new KafkaConsumer<>(consumer, new StringDeserializer(), new StringDeserializer())) {
                TopicPartition partition = new TopicPartition(SluiceTopics.DATASETS, Partitions.of("digits", 6));
                in.assign(List.of(partition));
                in.seekToBeginning(List.of(partition));
                List<String> read = new java.util.ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (read.size() < 3 && System.nanoTime() < deadline) {
                    in.poll(Duration.ofSeconds(1)).forEach((ConsumerRecord<String, String> r) -> read.add(r.value()));
                }
                assertThat(read).containsExactly("written with a broker down 0", "written with a broker down 1", "written with a broker down 2");
            }
        } finally {
            stack.stop();
        }
    }
}
