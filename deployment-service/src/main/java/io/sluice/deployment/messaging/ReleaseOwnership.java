package io.sluice.deployment.messaging;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sluice.deployment.domain.Releases;
import io.sluice.deployment.domain.RoutingTable;
import io.sluice.events.codec.EventCodec;
import io.sluice.platform.events.PartitionReplay;
import io.sluice.platform.kafka.KafkaClients;
import io.sluice.platform.kafka.Partitions;
import io.sluice.platform.messaging.OwnedPartitions;

/**
 * The releases this replica owns: when the input group assigns it partition <i>n</i> it rebuilds every model whose name lands in
 * partition <i>n</i> from the deployment topics (same partition number: every topic is keyed by model name and has the same
 * partition count); when the partition goes to another replica it forgets them.
 */
final class ReleaseOwnership implements OwnedPartitions.Owner {

    private static final Logger log = LoggerFactory.getLogger(ReleaseOwnership.class);

    private final Releases releases;
    private final KafkaClients clients;
    private final EventCodec codec;
    private final String eventsTopic;
    private final String tableTopic;
    private final Duration timeout;
    private volatile int partitionCount;

    ReleaseOwnership(Releases releases, KafkaClients clients, EventCodec codec, String eventsTopic, String tableTopic, Duration timeout) {
        this.releases = releases;
        this.clients = clients;
        this.codec = codec;
        this.eventsTopic = eventsTopic;
        this.tableTopic = tableTopic;
        this.timeout = timeout;
    }

    @Override
    public void assigned(Set<Integer> partitions) {
        List<RoutingTable> republished = ReleaseRebuild.rebuild(releases, clients, codec, eventsTopic, tableTopic, partitions, timeout);
        log.info("rebuilt the releases of partitions {}: {} model(s) owned now; republished {}", partitions, releases.all().size(),
                republished.stream().map(t -> t.model() + "@" + t.revision()).toList());
    }

    @Override
    public void revoked(Set<Integer> partitions) {
        int count = partitionCount();
        releases.drop(model -> partitions.contains(Partitions.of(model, count)));
    }

    private int partitionCount() {
        if (partitionCount == 0) {
            partitionCount = PartitionReplay.partitions(clients, List.of(eventsTopic), null, timeout).size();
        }
        return partitionCount;
    }
}
