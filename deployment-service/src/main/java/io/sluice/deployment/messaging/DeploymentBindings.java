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
import io.sluice.events.OperatorCommandIssued;
import io.sluice.platform.messaging.RetriedSends;
import io.sluice.platform.security.LogSafe;

/**
 * Feeds approvals, monitoring verdicts and operator commands of the models this replica owns into the release state machine and
 * publishes what it decides. One binding reads the three topics (multiplexed, range assignor), so every input of a model reaches
 * the one replica that owns the model's partition.
 */
@Configuration(proxyBeanMethods = false)
class DeploymentBindings {

    private static final Logger log = LoggerFactory.getLogger(DeploymentBindings.class);

    @Bean
    ReleaseMapping releaseMapping(@Value("${sluice.producer}") String producer) {
        return new ReleaseMapping(producer);
    }

    /** Every send of this service, retried until it succeeds; readiness ({@code derivedState}) is DOWN while one fails. */
    @Bean
    RetriedSends sends() {
        return new RetriedSends("sends");
    }

    @Bean
    ReleasePublisher releasePublisher(StreamBridge bridge, ReleaseMapping mapping, MeterRegistry meters, RetriedSends sends) {
        return new KafkaReleasePublisher(bridge, mapping, meters, sends);
    }

    /**
     * sluice.evaluations (ModelApproved starts or supersedes a release; rejections are not ours), sluice.monitoring (canary and
     * production verdicts; drift is not ours) and sluice.deployment-commands (operator commands).
     */
    @Bean
    Consumer<SpecificRecord> inputs(Releases releases) {
        return record -> {
            if (record instanceof ModelApproved approved) {
                log(releases.handle(ReleaseMapping.approved(approved)), approved.getModelName());
            } else if (record instanceof OperatorCommandIssued issued) {
                ReleaseInput.Command command = ReleaseMapping.command(issued);
                if (command != null) {
                    Releases.Outcome outcome = releases.handle(command);
                    if (outcome.decision().rejected()) {
                        log.info("{}: {} by {} refused: {}", LogSafe.text(command.model()), command.action(), LogSafe.text(command.actor()),
                                LogSafe.text(outcome.decision().note()));
                    }
                    log(outcome, command.model());
                }
            } else {
                ReleaseInput.Verdict verdict = ReleaseMapping.verdict(record);
                if (verdict != null) {
                    log(releases.handle(verdict), verdict.model());
                }
            }
        };
    }

    private static void log(Releases.Outcome outcome, String model) {
        if (outcome.decision().events().isEmpty()) {
            log.info("{}: nothing changes: {}", LogSafe.text(model), LogSafe.text(outcome.decision().note()));
        } else {
            outcome.decision().events().forEach(e -> log.info("{}: {} ({})", LogSafe.text(model), e.getClass().getSimpleName(),
                    LogSafe.text(e.reason())));
        }
    }
}
