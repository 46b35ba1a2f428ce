package io.sluice.deployment.domain;

/** Where decisions go: the deployments event stream and the compacted routing table. */
public interface ReleasePublisher {

    /** Publishes a release event (key: model name). */
    void event(ReleaseEvent event);

    /** Publishes the routing-table entry that follows it (key: model name). */
    void table(RoutingTable table, ReleaseEvent cause);
}
