package io.sluice.deployment;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.sluice.deployment.domain.ReleaseMachine;
import io.sluice.deployment.domain.ReleasePolicy;
import io.sluice.deployment.domain.ReleasePublisher;
import io.sluice.deployment.domain.Releases;
import io.sluice.deployment.domain.Strategy;
import io.sluice.deployment.messaging.RegistryBlocks;
import io.sluice.events.codec.EventCodec;
import io.sluice.platform.kafka.KafkaClients;

/** Builds the release state machine from the settings. */
@Configuration(proxyBeanMethods = false)
class DeploymentConfiguration {

    @Bean
    ReleasePolicy releasePolicy(DeploymentProperties properties) {
        Map<String, List<Integer>> steps = new HashMap<>();
        Map<String, Strategy> strategies = new HashMap<>();
        properties.models().forEach((model, settings) -> {
            if (settings.steps() != null && !settings.steps().isEmpty()) {
                steps.put(model, settings.steps());
            }
            if (settings.strategy() != null) {
                strategies.put(model, settings.strategy());
            }
        });
        return new ReleasePolicy(properties.steps(), steps, properties.strategy(), strategies, properties.minSamples(),
                properties.stepDeadline(), properties.verdictMemory());
    }

    /** Versions blocked in the model registry (the compacted registry topic, on every replica): never released. */
    @Bean
    RegistryBlocks registryBlocks(KafkaClients clients, EventCodec codec, @Value("${sluice.deployment.registry-topic}") String topic) {
        return new RegistryBlocks(clients, codec, topic);
    }

    @Bean
    ReleaseMachine releaseMachine(ReleasePolicy policy, Clock clock, RegistryBlocks blocks) {
        return new ReleaseMachine(policy, () -> UUID.randomUUID().toString(), clock::instant, blocks);
    }

    /** The releases this replica owns (rebuilt per assigned partition). */
    @Bean
    Releases releases(ReleaseMachine machine, ReleasePublisher publisher) {
        return new Releases(machine, publisher);
    }
}
