package io.sluice.deployment.messaging;

import java.util.function.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.sluice.deployment.domain.ReleaseInput;
import io.sluice.deployment.domain.ReleasePublisher;
import io.sluice.deployment.domain.Releases;
import io.sluice.events.ModelApproved;

/** Feeds approvals and monitoring verdicts into the release state machine and publishes what it decides. */
@Configuration(proxyBeanMethods = false)
class DeploymentBindings {

    private static final Logger log = LoggerFactory.getLogger(DeploymentBindings.class);

    @Bean
    ReleaseMapping releaseMapping(@Value("${sluice.producer}") String producer) {
        return new ReleaseMapping(producer);
    }

    @Bean
    ReleasePublisher releasePublisher(StreamBridge bridge, ReleaseMapping mapping, MeterRegistry meters) {
        return new KafkaReleasePublisher(bridge, mapping, meters);
    }

    /** sluice.evaluations: ModelApproved starts (or supersedes) a release; other evaluation events are not ours. */
    @Bean
    Consumer<SpecificRecord> approvals(Releases releases) {
        return record -> {
            if (record instanceof ModelApproved approved) {
                log(releases.handle(ReleaseMapping.approved(approved)), approved.getModelName());
            }
        };
    }

    /** sluice.monitoring: canary and production verdicts; drift events are not ours. */
    @Bean
    Consumer<SpecificRecord> verdicts(Releases releases) {
        return record -> {
            ReleaseInput.Verdict verdict = ReleaseMapping.verdict(record);
            if (verdict != null) {
                log(releases.handle(verdict), verdict.model());
            }
        };
    }

    private static void log(Releases.Outcome outcome, String model) {
        if (outcome.decision().events().isEmpty()) {
            log.info("{}: nothing changes: {}", model, outcome.decision().note());
        } else {
            outcome.decision().events().forEach(e -> log.info("{}: {} ({})", model, e.getClass().getSimpleName(), e.reason()));
        }
    }
}
