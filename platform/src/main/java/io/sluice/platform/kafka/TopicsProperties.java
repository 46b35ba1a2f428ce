package io.sluice.platform.kafka;

import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the Sluice topics are created at start-up (prefix {@code sluice.kafka.topics}); a topic that
 * exists already is left as it is ({@link TopicCreator}).
 *
 * @param create            whether the services create missing topics at all (default true)
 * @param partitions        partitions of every topic and its dead-letter topic (default 6); keyed topics must have the same
 *                          count, because state is rebuilt and owned per partition number
 * @param replicationFactor replicas of each partition (default 1: the local single broker; 3 in a real cluster)
 * @param minInsyncReplicas {@code min.insync.replicas} of each topic (default 1; 2 with three replicas)
 */
@Validated
@ConfigurationProperties("sluice.kafka.topics")
public record TopicsProperties(@DefaultValue("true") boolean create,
                               @DefaultValue("6") @Positive int partitions,
                               @DefaultValue("1") @Positive short replicationFactor,
                               @DefaultValue("1") @Positive int minInsyncReplicas) {

    /** The layout topics are created with. */
    public TopicLayout layout() {
        return new TopicLayout(partitions, replicationFactor, minInsyncReplicas);
    }
}
