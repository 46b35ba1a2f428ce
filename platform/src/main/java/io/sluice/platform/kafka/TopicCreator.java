package io.sluice.platform.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

import io.sluice.platform.events.SluiceTopics;

/**
 * Creates every Sluice topic and its {@code .dlt} that is missing when the service starts, before
 * the bindings run, with the configured partitions, replication factor and {@code min.insync.replicas}
 * ({@link TopicsProperties}); {@code sluice.deployment-state} compacted. Existing topics are never
 * changed — unlike {@code KafkaAdmin}, which adds partitions, and a changed partition count moves keys
 * (and the state owned per partition) to other partitions. A broker that does not answer within
 * {@code timeout} is logged and left to the binder's own topic creation.
 */
public final class TopicCreator implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(TopicCreator.class);

    private final KafkaClients clients;
    private final TopicsProperties topics;
    private final Duration timeout;

    public TopicCreator(KafkaClients clients, TopicsProperties topics, Duration timeout) {
        this.clients = clients;
        this.topics = topics;
        this.timeout = timeout;
    }

    /** Every Sluice topic and its dead-letter topic as they should be created. */
    public static List<NewTopic> newTopics(TopicsProperties topics) {
        List<NewTopic> all = new ArrayList<>();
        for (SluiceTopics.Topic topic : SluiceTopics.ALL) {
            all.add(newTopic(topic.name(), topic.compacted(), topics));
            all.add(newTopic(topic.deadLetter(), false, topics));
        }
        return all;
    }

    private static NewTopic newTopic(String name, boolean compacted, TopicsProperties topics) {
        return new NewTopic(name, topics.partitions(), topics.replicationFactor()).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, compacted ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(topics.minInsyncReplicas())));
    }

    @Override
    public void afterSingletonsInstantiated() {
        try {
            List<String> created = create();
            if (!created.isEmpty()) {
                log.info("created topics {} ({} partitions, replication factor {}, min.insync.replicas {})", created, topics.partitions(),
                        topics.replicationFactor(), topics.minInsyncReplicas());
            }
        } catch (Exception e) {
            log.warn("could not create the Sluice topics on {} within {}: {}", clients.bootstrapServers(), timeout, e.toString());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Creates the missing topics; returns their names. */
    public List<String> create() throws Exception {
        try (Admin admin = clients.admin()) {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = newTopics(topics).stream().filter(t -> !existing.contains(t.name())).toList();
            if (missing.isEmpty()) {
                return List.of();
            }
            List<String> created = new ArrayList<>();
            for (var result : admin.createTopics(missing).values().entrySet()) {
                try {
                    result.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    created.add(result.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) { // another replica was faster
                        throw e;
                    }
                }
            }
            return created;
        }
    }
}
