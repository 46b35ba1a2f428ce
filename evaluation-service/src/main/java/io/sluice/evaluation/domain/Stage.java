package io.sluice.evaluation.domain;

/** Where a model version is in its life: candidate → approved/rejected → canary → production → retired/rolled back. */
public enum Stage {
    /** Trained, not yet decided. */
    CANDIDATE,
    /** Passed every gate; may be released. */
    APPROVED,
    /** Failed a gate or could not be evaluated. */
    REJECTED,
    /** Serving a share of traffic as a canary. */
    CANARY,
    /** Serving all traffic (the champion). */
    PRODUCTION,
    /** Was production, replaced by a newer version. */
    RETIRED,
    /** Taken out of traffic by a rollback. */
    ROLLED_BACK
}
