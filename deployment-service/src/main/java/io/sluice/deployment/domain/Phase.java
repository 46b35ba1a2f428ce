package io.sluice.deployment.domain;

/** Where a model's release stands, as the routing table reports it. */
public enum Phase {
    /** Nothing was ever released for this model. */
    IDLE,
    /** The candidate mirrors traffic with weight 0. */
    SHADOW,
    /** The candidate answers a step's share of traffic (possibly held, see the reason). */
    CANARY,
    /** An operator paused the release; verdicts other than degraded do not move it. */
    PAUSED,
    /** The last release ended with its version serving 100 %. */
    PROMOTED,
    /** The last release (or production version) was taken out of traffic. */
    ROLLED_BACK
}
