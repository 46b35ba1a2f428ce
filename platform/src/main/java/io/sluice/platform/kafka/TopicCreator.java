package io.sluice.platform.kafka;

import io.sluice.platform.security.LogSafe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

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

    /** Every Sluice topic and its dead-letter topic as they should be created ({@link TopicLayout}). */
    public static List<NewTopic> newTopics(TopicsProperties topics) {
        return topics.layout().newTopics();
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
            log.warn("could not create the Sluice topics on {} within {}: {}", clients.bootstrapServers(), timeout, LogSafe.text(e));
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
