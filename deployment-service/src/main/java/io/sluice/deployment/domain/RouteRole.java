package io.sluice.deployment.domain;

/** What a version does in the routing table. */
public enum RouteRole {
    /** The production version; answers what the canary does not. */
    STABLE,
    /** The candidate answering its step's weight. */
    CANARY,
    /** The candidate mirroring traffic without answering (weight 0). */
    SHADOW
}
