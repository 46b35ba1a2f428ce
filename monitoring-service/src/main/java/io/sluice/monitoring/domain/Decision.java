package io.sluice.monitoring.domain;

/** Outcome of one metric check. */
public enum Decision {
    /** The canary is acceptable on this metric. */
    PASS,
    /** The canary is worse on this metric. */
    FAIL,
    /** Not enough evidence either way yet. */
    INCONCLUSIVE
}
