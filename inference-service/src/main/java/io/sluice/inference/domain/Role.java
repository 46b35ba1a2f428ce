package io.sluice.inference.domain;

/** What a version does in the routing table: answers callers (stable, canary) or only mirrors traffic (shadow). */
public enum Role {
    STABLE, CANARY, SHADOW;

    /** True when the version's answers are returned to callers. */
    public boolean answers() {
        return this != SHADOW;
    }
}
