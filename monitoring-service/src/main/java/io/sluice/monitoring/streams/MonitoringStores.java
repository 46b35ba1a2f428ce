package io.sluice.monitoring.streams;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.stereotype.Component;

import io.sluice.events.DeploymentState;
import io.sluice.events.Route;
import io.sluice.events.RouteRole;
import io.sluice.monitoring.MonitoringProperties;
import io.sluice.monitoring.domain.ModelWindow;
import io.sluice.monitoring.domain.Release;

/**
 * Reads the topology's state stores (interactive queries): the merged windows of a model over a
 * time range, the routing table, and who holds a model's windows — this instance when the task of
 * the model's partition is one of its active tasks, else the instance Kafka Streams names for the key
 * ({@code queryMetadataForKey}, from each instance's {@code application.server}). Empty results while
 * the Streams application is not running.
 */
@Component
public class MonitoringStores {

    /** Who holds a model's windows. */
    public enum Holder { THIS_INSTANCE, ANOTHER_INSTANCE, UNKNOWN }

    /**
     * Where a model's windows are.
     *
     * @param holder this instance, another one (then {@code host} and {@code port} say where its HTTP API listens), or unknown
     *               (not running, rebalancing, no such partition yet)
     * @param host   the other instance's advertised host, null otherwise
     * @param port   the other instance's HTTP port, -1 otherwise
     */
    public record Owner(Holder holder, String host, int port) {

        static final Owner HERE = new Owner(Holder.THIS_INSTANCE, null, -1);
        static final Owner UNKNOWN = new Owner(Holder.UNKNOWN, null, -1);
    }

    private final StreamsBuilderFactoryBean streams;
    private final String predictions;

    public MonitoringStores(StreamsBuilderFactoryBean streams, MonitoringProperties properties) {
        this.streams = streams;
        this.predictions = properties.topics().predictions();
    }

    /** Where the model's windows are: the one instance that analyses the model and answers for it. */
    public Owner owner(String model) {
        try {
            KafkaStreams running = running();
            KeyQueryMetadata metadata = running.queryMetadataForKey(MonitoringTopology.SERVED_WINDOWS, model, Serdes.String().serializer());
            if (metadata == null || metadata.partition() < 0 || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
                return Owner.UNKNOWN;
            }
            TopicPartition partition = new TopicPartition(predictions, metadata.partition());
            boolean here = running.metadataForLocalThreads().stream().flatMap(thread -> thread.activeTasks().stream())
                    .anyMatch(task -> task.topicPartitions().contains(partition));
            if (here) {
                return Owner.HERE;
            }
            HostInfo host = metadata.activeHost();
            return host == null || host.port() <= 0 ? Owner.UNKNOWN : new Owner(Holder.ANOTHER_INSTANCE, host.host(), host.port());
        } catch (IllegalStateException | StreamsException notReady) {
            return Owner.UNKNOWN;
        }
    }

    /** True when this instance holds the model's windows (and so alone analyses it). */
    public boolean owns(String model) {
        return owner(model).holder() == Holder.THIS_INSTANCE;
    }

    /** The models in the routing table whose windows this instance holds: the ones it analyses. */
    public List<Release> ownedReleases() {
        return releases().stream().filter(release -> owns(release.model())).toList();
    }

    /** Served and feedback aggregates of a model, merged over every window starting in [from, to]; empty when not queryable. */
    public Optional<ModelWindow> window(String model, Instant from, Instant to) {
        try {
            ModelWindow merged = new ModelWindow();
            for (String store : List.of(MonitoringTopology.SERVED_WINDOWS, MonitoringTopology.FEEDBACK_WINDOWS)) {
                ReadOnlyWindowStore<String, ModelWindow> windows = running().store(
                        StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.windowStore()));
                try (WindowStoreIterator<ModelWindow> it = windows.fetch(model, from, to)) {
                    while (it.hasNext()) {
                        merged.merge(it.next().value);
                    }
                }
            }
            return Optional.of(merged);
        } catch (InvalidStateStoreException | IllegalStateException notReady) {
            return Optional.empty();
        }
    }

    /**
     * Served and feedback aggregates of a model, window by window (keyed by window start) for every window starting in
     * [from, to]; empty when not queryable. For short ranges only (the recent judgement's trailing windows): each window is
     * held decoded.
     */
    public Optional<NavigableMap<Instant, ModelWindow>> windows(String model, Instant from, Instant to) {
        try {
            NavigableMap<Instant, ModelWindow> windows = new TreeMap<>();
            for (String store : List.of(MonitoringTopology.SERVED_WINDOWS, MonitoringTopology.FEEDBACK_WINDOWS)) {
                ReadOnlyWindowStore<String, ModelWindow> found = running().store(
                        StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.windowStore()));
                try (WindowStoreIterator<ModelWindow> it = found.fetch(model, from, to)) {
                    while (it.hasNext()) {
                        KeyValue<Long, ModelWindow> next = it.next();
                        windows.computeIfAbsent(Instant.ofEpochMilli(next.key), start -> new ModelWindow()).merge(next.value);
                    }
                }
            }
            return Optional.of(windows);
        } catch (InvalidStateStoreException | IllegalStateException notReady) {
            return Optional.empty();
        }
    }

    /** Every model in the routing table; empty when not queryable. */
    public List<Release> releases() {
        List<Release> releases = new ArrayList<>();
        try {
            ReadOnlyKeyValueStore<String, SpecificRecord> table = running().store(
                    StoreQueryParameters.fromNameAndType(MonitoringTopology.DEPLOYMENT_STATE, QueryableStoreTypes.keyValueStore()));
            try (KeyValueIterator<String, SpecificRecord> it = table.all()) {
                while (it.hasNext()) {
                    KeyValue<String, SpecificRecord> entry = it.next();
                    if (entry.value instanceof DeploymentState state) {
                        releases.add(release(state));
                    }
                }
            }
        } catch (InvalidStateStoreException | IllegalStateException notReady) {
            return List.of();
        }
        return releases;
    }

    /** The routing-table entry as the domain sees it. */
    static Release release(DeploymentState state) {
        Route stable = null;
        Route canary = null;
        Route shadow = null;
        for (Route route : state.getRoutes()) {
            if (route.getRole() == RouteRole.STABLE && (stable == null || route.getWeight() > stable.getWeight())) {
                stable = route;
            } else if (route.getRole() == RouteRole.CANARY && route.getWeight() > 0) {
                canary = route;
            } else if (route.getRole() == RouteRole.SHADOW) {
                shadow = route;
            }
        }
        return new Release(state.getModelName(), state.getRevision(), stable == null ? null : stable.getVersion(),
                stable == null ? null : stable.getModelUri(), canary == null ? null : canary.getVersion(), shadow == null ? null : shadow.getVersion(), state.getStepIndex(),
                canary != null && state.getStepIndex() >= state.getSteps().size() - 1,
                state.getHeader().getOccurredAt(), state.getHeader().getCorrelationId(), state.getHeader().getEventId());
    }

    private KafkaStreams running() {
        KafkaStreams kafkaStreams = streams.getKafkaStreams();
        if (kafkaStreams == null || kafkaStreams.state() != KafkaStreams.State.RUNNING) {
            throw new IllegalStateException("streams not running");
        }
        return kafkaStreams;
    }
}
