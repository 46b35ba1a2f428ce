package io.sluice.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.testkit.RestartableBroker;

/** Topics created at start-up on a real broker: configured partitions, compaction and min.insync.replicas; existing ones untouched. */
class TopicCreatorTests {

    static RestartableBroker broker;
    static KafkaClients clients;

    @BeforeAll
    static void start() throws Exception {
        broker = new RestartableBroker(1).start();
        clients = KafkaClients.forBootstrap(broker.bootstrapServers());
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void createsEveryMissingTopicWithItsConfigurationAndLeavesExistingOnesAlone() throws Exception {
        try (Admin admin = clients.admin()) {
            admin.createTopics(List.of(new NewTopic(SluiceTopics.FEEDBACK, 2, (short) 1))).all().get();
        }
        TopicCreator creator = new TopicCreator(clients, new TopicsProperties(true, 4, (short) 1, 1), java.time.Duration.ofSeconds(30));

        List<String> created = creator.create();

        assertThat(created).hasSize(SluiceTopics.namesWithDeadLetters().size() - 1).doesNotContain(SluiceTopics.FEEDBACK);
        try (Admin admin = clients.admin()) {
            Map<String, TopicDescription> topics = admin.describeTopics(Set.of(SluiceTopics.DEPLOYMENT_STATE, SluiceTopics.DEPLOYMENTS + ".dlt",
                    SluiceTopics.FEEDBACK)).allTopicNames().get();
            assertThat(topics.get(SluiceTopics.DEPLOYMENT_STATE).partitions()).hasSize(4);
            assertThat(topics.get(SluiceTopics.DEPLOYMENTS + ".dlt").partitions()).hasSize(4);
            assertThat(topics.get(SluiceTopics.FEEDBACK).partitions()).as("an existing topic keeps its partitions").hasSize(2);
            ConfigResource state = new ConfigResource(ConfigResource.Type.TOPIC, SluiceTopics.DEPLOYMENT_STATE);
            ConfigResource history = new ConfigResource(ConfigResource.Type.TOPIC, SluiceTopics.DEPLOYMENTS);
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(state, history)).all().get();
            assertThat(configs.get(state).get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(configs.get(history).get("cleanup.policy").value()).isEqualTo("delete");
            assertThat(configs.get(history).get("min.insync.replicas").value()).isEqualTo("1");
        }
        assertThat(creator.create()).as("a second replica creates nothing").isEmpty();
    }
}
