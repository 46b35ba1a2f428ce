package io.sluice.deployment.messaging;

import java.time.Instant;
import java.time.Clock;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

import io.sluice.deployment.DeploymentProperties;
import io.sluice.deployment.domain.Releases;
import io.sluice.events.codec.EventCodec;

/** Start-up recovery from the deployment topics, and the clock that checks step deadlines. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class RecoveryConfiguration {

    @Bean
    ReleaseRecovery releaseRecovery(Releases releases, EventCodec codec, DeploymentProperties properties,
                                    @Value("${spring.cloud.stream.kafka.binder.brokers}") String brokers,
                                    @Value("${spring.cloud.stream.bindings.releases-out-0.destination}") String eventsTopic,
                                    @Value("${spring.cloud.stream.bindings.routing-out-0.destination}") String tableTopic) {
        return new ReleaseRecovery(releases, codec, brokers, eventsTopic, tableTopic, properties.recoveryTimeout());
    }

    @Bean
    DeadlineClock deadlineClock(Releases releases, Clock clock) {
        return new DeadlineClock(releases, clock);
    }

    /** Holds, with an event, every release whose step deadline passed without a healthy verdict. */
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
