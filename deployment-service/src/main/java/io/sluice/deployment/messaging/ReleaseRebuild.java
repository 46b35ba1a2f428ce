package io.sluice.deployment.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;

import io.sluice.deployment.domain.ReleaseEvent;
import io.sluice.deployment.domain.Releases;
import io.sluice.deployment.domain.RoutingTable;
import io.sluice.events.DeploymentState;
import io.sluice.events.codec.EventCodec;
import io.sluice.platform.events.PartitionReplay;
import io.sluice.platform.kafka.KafkaClients;

/**
 * Rebuilds releases from Kafka: reads some partitions of the compacted routing-table topic and of the deployments history to
 * their end offsets and hands both to {@link Releases#restore} — the same {@code evolve} fold as live decisions.
 */
final class ReleaseRebuild {

    private ReleaseRebuild() {}

    /**
     * @param partitions partition numbers to rebuild (the models whose key lands there), or null for every partition
     * @return the routing-table entries republished because the history was ahead of the table
     */
    static List<RoutingTable> rebuild(Releases releases, KafkaClients clients, EventCodec codec, String eventsTopic, String tableTopic,
                                      Collection<Integer> partitions, Duration timeout) {
        List<RoutingTable> tables = new ArrayList<>();
        List<ReleaseEvent> history = new ArrayList<>();
        var topicPartitions = PartitionReplay.partitions(clients, List.of(tableTopic, eventsTopic), partitions, timeout);
        for (PartitionReplay.Replayed replayed : PartitionReplay.readToEnd(clients, "deployment-service-rebuild-" + UUID.randomUUID(), codec,
                topicPartitions, timeout)) {
            SpecificRecord record = replayed.event();
            if (replayed.topic().equals(tableTopic) && record instanceof DeploymentState state) {
                tables.add(ReleaseMapping.fromAvro(state));
            } else if (replayed.topic().equals(eventsTopic)) {
                ReleaseEvent event = ReleaseMapping.fromAvro(record);
                if (event != null) {
                    history.add(event);
                }
            }
        }
        return releases.restore(tables, history);
    }
}
