package io.sluice.deployment.messaging;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.specific.SpecificRecord;

import io.sluice.deployment.domain.Blocks;
import io.sluice.events.RegistryState;
import io.sluice.events.RegistryVersion;
import io.sluice.events.codec.EventCodec;
import io.sluice.platform.events.FollowedState;
import io.sluice.platform.events.TopicFollower;
import io.sluice.platform.kafka.KafkaClients;

/**
 * The versions blocked in the model registry, on every replica: follows the compacted registry topic (each model's whole
 * registry state, written by the evaluation service) from the beginning; readiness is DOWN until it caught up.
 */
public final class RegistryBlocks implements FollowedState, TopicFollower.Listener, Blocks {

    private final TopicFollower follower;
    private final Map<String, Map<String, String>> blocked = new ConcurrentHashMap<>();

    public RegistryBlocks(KafkaClients clients, EventCodec codec, String registryTopic) {
        this.follower = new TopicFollower("deployment-service-registry-blocks", clients, codec, List.of(registryTopic), this);
    }

    @Override
    public Optional<String> blocked(String model, String version) {
        return Optional.ofNullable(blocked.getOrDefault(model, Map.of()).get(version));
    }

    @Override
    public void onEvent(String topic, String key, SpecificRecord event) {
        if (event instanceof RegistryState state) {
            Map<String, String> versions = new ConcurrentHashMap<>();
            for (RegistryVersion v : state.getVersions()) {
                if (v.getBlocked() != null) {
                    versions.put(v.getVersion(), "by " + v.getBlocked().getActor() + ": " + v.getBlocked().getReason());
                }
            }
            blocked.put(state.getModelName(), versions);
        }
    }

    @Override
    public String name() {
        return "registryBlocks";
    }

    @Override
    public TopicFollower follower() {
        return follower;
    }
}
