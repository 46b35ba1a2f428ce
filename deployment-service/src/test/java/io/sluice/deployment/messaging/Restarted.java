package io.sluice.deployment.messaging;

import java.time.Duration;

import io.sluice.deployment.domain.ReleaseEvent;
import io.sluice.deployment.domain.ReleaseMachine;
import io.sluice.deployment.domain.ReleasePolicy;
import io.sluice.deployment.domain.ReleasePublisher;
import io.sluice.deployment.domain.Releases;
import io.sluice.deployment.domain.RoutingTable;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.testkit.SluiceKafka;

/** A second instance taking over every partition: the service's own rebuild reading the topics back, publishing nothing. */
public final class Restarted {

    /** The releases a freshly started instance would rebuild from what is on the broker now. */
    public static Releases from(SluiceKafka kafka, ReleasePolicy policy) {
        Releases releases = new Releases(new ReleaseMachine(policy), new ReleasePublisher() {
            @Override
            public void event(ReleaseEvent event) {
                throw new AssertionError("a restart publishes no event: " + event);
            }

            @Override
            public void table(RoutingTable table, ReleaseEvent cause) {
                // a republished entry; the running instance already wrote it
            }
        });
        ReleaseRebuild.rebuild(releases, io.sluice.platform.kafka.KafkaClients.forBootstrap(kafka.bootstrapServers()), kafka.codec(),
                SluiceTopics.DEPLOYMENTS, SluiceTopics.DEPLOYMENT_STATE, null, Duration.ofSeconds(30));
        return releases;
    }

    private Restarted() {}
}
