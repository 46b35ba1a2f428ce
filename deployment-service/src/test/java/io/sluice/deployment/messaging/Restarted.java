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

/** A second instance's start-up: the service's own recovery reading the topics back, publishing nothing. */
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
        new ReleaseRecovery(releases, kafka.codec(), kafka.bootstrapServers(), SluiceTopics.DEPLOYMENTS, SluiceTopics.DEPLOYMENT_STATE,
                Duration.ofSeconds(30)).start();
        return releases;
    }

    private Restarted() {}
}
