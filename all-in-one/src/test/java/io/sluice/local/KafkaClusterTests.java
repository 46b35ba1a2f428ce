package io.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.nio.file.Path;
import java.util.List;

import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

import io.sluice.platform.events.SluiceTopics;

/** What the local stack creates its topics with is what every service process is told to create them with. */
class KafkaClusterTests {

    private final Path dataDir = Path.of("/tmp/sluice-kafka-cluster-tests");

    @Test
    void aSingleBrokerGetsSixPartitionsWithOneReplicaAndTellsEveryServiceSo() {
        KafkaCluster cluster = KafkaCluster.of(dataDir, 9092, 1);

        assertThat(cluster.serviceEnvironment()).containsExactly(entry("SLUICE_KAFKA", "localhost:9092"),
                entry("SLUICE_KAFKA_PARTITIONS", "6"), entry("SLUICE_KAFKA_REPLICATION_FACTOR", "1"),
                entry("SLUICE_KAFKA_MIN_INSYNC_REPLICAS", "1"));
        List<NewTopic> topics = cluster.topics().newTopics();
        assertThat(topics).hasSize(2 * SluiceTopics.ALL.size())
                .allSatisfy(t -> assertThat(t.numPartitions()).isEqualTo(6))
                .allSatisfy(t -> assertThat(t.replicationFactor()).isEqualTo((short) 1));
    }

    @Test
    void threeBrokersReplicateThreeTimesWithTwoInSyncAndTellEveryServiceSo() {
        KafkaCluster cluster = KafkaCluster.of(dataDir, 19092, 3);

        assertThat(cluster.serviceEnvironment()).containsExactly(entry("SLUICE_KAFKA", "localhost:19092,localhost:19094,localhost:19096"),
                entry("SLUICE_KAFKA_PARTITIONS", "6"), entry("SLUICE_KAFKA_REPLICATION_FACTOR", "3"),
                entry("SLUICE_KAFKA_MIN_INSYNC_REPLICAS", "2"));
        assertThat(cluster.topics().newTopics()).allSatisfy(t -> {
            assertThat(t.numPartitions()).isEqualTo(6);
            assertThat(t.replicationFactor()).isEqualTo((short) 3);
            assertThat(t.configs()).containsEntry("min.insync.replicas", "2");
        });
    }

    @Test
    void twoBrokersReplicateTwiceAndAWriteNeedsBoth() {
        assertThat(KafkaCluster.of(dataDir, 9092, 2).serviceEnvironment()).containsEntry("SLUICE_KAFKA_REPLICATION_FACTOR", "2")
                .containsEntry("SLUICE_KAFKA_MIN_INSYNC_REPLICAS", "2");
        assertThat(KafkaCluster.of(dataDir, 9092, 5).serviceEnvironment()).containsEntry("SLUICE_KAFKA_REPLICATION_FACTOR", "3")
                .containsEntry("SLUICE_KAFKA_MIN_INSYNC_REPLICAS", "2");
    }
}
