package io.sluice.platform.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.sluice.events.DatasetReady;
import io.sluice.events.Events;
import io.sluice.platform.events.SluiceTopics;

/** The replica tests' cluster: three brokers, every topic on all three with min.insync.replicas 2, surviving a lost broker. */
class SluiceKafkaClusterTests {

    @RegisterExtension
    static SluiceKafka kafka = SluiceKafka.cluster(3);

    @Test
    void replicatesEveryTopicOnThreeBrokersAndKeepsAcceptingWritesWithOneBrokerGone() throws Exception {
        assertThat(kafka.bootstrapServers().split(",")).hasSize(3);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            TopicDescription datasets = admin.describeTopics(List.of(SluiceTopics.DATASETS)).allTopicNames().get().get(SluiceTopics.DATASETS);
            assertThat(datasets.partitions()).hasSize(3);
            for (TopicPartitionInfo partition : datasets.partitions()) {
                assertThat(partition.replicas()).hasSize(3);
                assertThat(partition.isr()).hasSize(3);
            }
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, SluiceTopics.DATASETS);
            assertThat(admin.describeConfigs(List.of(topic)).all().get().get(topic).get("min.insync.replicas").value()).isEqualTo("2");
        }

        kafka.publish(SluiceTopics.DATASETS, "before", Events.datasetReady().setDatasetName("before").build());
        var lost = kafka.cluster().brokers().get(2); // not node 0, which is also the controller
        lost.shutdown();
        lost.awaitShutdown();
        kafka.publish(SluiceTopics.DATASETS, "after", Events.datasetReady().setDatasetName("after").build()); // acks=all: on 2 of 3

        assertThat(kafka.awaitEvents(SluiceTopics.DATASETS, DatasetReady.class,
                e -> List.of("before", "after").contains(e.getDatasetName()), 2, Duration.ofSeconds(30)))
                .extracting(DatasetReady::getDatasetName).containsExactlyInAnyOrder("before", "after");
    }
}
