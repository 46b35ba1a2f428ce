package io.sluice.deployment.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.sluice.deployment.domain.Check;
import io.sluice.deployment.domain.ReleaseEvent;
import io.sluice.deployment.domain.ReleaseInput;
import io.sluice.deployment.domain.ReleaseMachine;
import io.sluice.deployment.domain.ReleasePolicy;
import io.sluice.deployment.domain.ReleasePublisher;
import io.sluice.deployment.domain.Releases;
import io.sluice.deployment.domain.RoutingTable;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.testkit.SluiceKafka;

/**
 * What an earlier instance of the service left on Kafka: the same machine and Avro mapping, writing to the same topics, and able
 * to stop between an event and its routing-table entry.
 */
public final class PreviousRun implements ReleasePublisher {

    private final SluiceKafka kafka;
    private final ReleaseMapping mapping = new ReleaseMapping("deployment-service/previous-run");
    private Instant now = Instant.now().minus(Duration.ofMinutes(10));
    private final Releases releases = new Releases(
            new ReleaseMachine(ReleasePolicy.defaults(), () -> java.util.UUID.randomUUID().toString(), () -> now), this);
    private boolean stopBeforeTables;

    public PreviousRun(SluiceKafka kafka) {
        this.kafka = kafka;
    }

    /** Handles an approval as the earlier instance did. */
    public void approved(String model, String version, String modelUri) {
        now = now.plusSeconds(1);
        releases.handle(new ReleaseInput.Approved(java.util.UUID.randomUUID().toString(), now, "test", model, version, modelUri, null));
    }

    /** Handles a healthy verdict with plenty of samples; returns its event id. */
    public String healthy(String model, String version, int step) {
        now = now.plusSeconds(1);
        ReleaseInput.Verdict verdict = new ReleaseInput.Verdict(java.util.UUID.randomUUID().toString(), now, "test", model, version, null,
                step, ReleaseInput.Outcome.HEALTHY,
                List.of(new Check("error-rate", 0.01, 0.01, 1000, 9000, 0.1, 0.05, "PASS", "fine")), "healthy");
        releases.handle(verdict);
        return verdict.eventId();
    }

    /** From now on the instance dies after writing an event and before writing its routing-table entry. */
    public void stopBeforeTables() {
        stopBeforeTables = true;
    }

    @Override
    public void event(ReleaseEvent event) {
        kafka.publish(SluiceTopics.DEPLOYMENTS, event.model(), mapping.toAvro(event));
    }

    @Override
    public void table(RoutingTable table, ReleaseEvent cause) {
        if (!stopBeforeTables) {
            kafka.publish(SluiceTopics.DEPLOYMENT_STATE, table.model(), mapping.toAvro(table, cause));
        }
    }
}
