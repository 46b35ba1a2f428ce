package io.sluice.deployment.messaging;

import java.time.Clock;
import java.time.Instant;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

import io.sluice.deployment.DeploymentProperties;
import io.sluice.deployment.domain.ReleaseMachine;
import io.sluice.deployment.domain.Releases;
import io.sluice.events.codec.EventCodec;
import io.sluice.platform.kafka.KafkaClients;
import io.sluice.platform.messaging.OwnedPartitions;
import io.sluice.platform.messaging.RetriedSends;

/** One owner per model (partition ownership of the input group), the view every replica reads, and the step-deadline clock. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class OwnershipConfiguration {

    /** Rebuilds the owned releases on assignment, drops them on revocation; readiness is DOWN while it rebuilds. */
    @Bean
    OwnedPartitions releaseOwnership(Releases releases, EventCodec codec, KafkaClients clients, DeploymentProperties properties,
                                     @Value("${spring.cloud.stream.bindings.releases-out-0.destination}") String eventsTopic,
                                     @Value("${spring.cloud.stream.bindings.routing-out-0.destination}") String tableTopic) {
        return new OwnedPartitions("releases", null,
                new ReleaseOwnership(releases, clients, codec, eventsTopic, tableTopic, properties.recoveryTimeout()));
    }

    @Bean
    ReleaseView releaseView(ReleaseMachine machine, KafkaClients clients, EventCodec codec,
                            @Value("${spring.cloud.stream.bindings.releases-out-0.destination}") String eventsTopic) {
        return new ReleaseView(machine, clients, codec, eventsTopic);
    }

    @Bean
    OperatorCommands operatorCommands(Releases releases, ReleaseView view, StreamBridge bridge, ReleaseMapping mapping,
                                      RetriedSends sends, DeploymentProperties properties) {
        return new OperatorCommands(releases, view, bridge, mapping, sends, properties.publishTimeout());
    }

    @Bean
    DeadlineClock deadlineClock(Releases releases, Clock clock) {
        return new DeadlineClock(releases, clock);
    }

    /** Holds, with an event, every owned release whose step deadline passed without a healthy verdict. */
    static final class DeadlineClock {

        private final Releases releases;
        private final Clock clock;

        DeadlineClock(Releases releases, Clock clock) {
            this.releases = releases;
            this.clock = clock;
        }

        @Scheduled(fixedDelayString = "${sluice.deployment.deadline-check-interval:5s}")
        void tick() {
            Instant now = clock.instant();
            releases.tick(now);
        }
    }
}
