package io.sluice.platform.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

import io.sluice.platform.events.SluiceTopics;

/**
 * How every Sluice topic and its {@code .dlt} are created: partitions, replicas and {@code min.insync.replicas}
 * ({@code sluice.deployment-state} compacted). Plain Kafka, no Spring: the services ({@link TopicCreator}), the local
 * stack and the test kit create topics from it alike.
 */
public record TopicLayout(int partitions, short replicationFactor, int minInsyncReplicas) {

    /** Every Sluice topic and its dead-letter topic as they should be created. */
    public List<NewTopic> newTopics() {
        List<NewTopic> all = new ArrayList<>();
        for (SluiceTopics.Topic topic : SluiceTopics.ALL) {
            all.add(newTopic(topic.name(), topic.compacted()));
            all.add(newTopic(topic.deadLetter(), false));
        }
        return all;
    }

    private NewTopic newTopic(String name, boolean compacted) {
        return new NewTopic(name, partitions, replicationFactor).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, compacted ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(minInsyncReplicas)));
    }
}
