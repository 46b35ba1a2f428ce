package io.sluice.deployment.domain;

/** How a release starts: weighted canary steps, a mirrored shadow before the canary, or straight to 100 %. */
public enum Strategy {
    /** Weighted canary walking the configured steps. */
    CANARY,
    /** Mirror traffic to the candidate at weight 0 first; a healthy shadow verdict starts the canary steps. */
    SHADOW_FIRST,
    /** Serve 100 % at once; only used when nothing of the model serves yet. */
    IMMEDIATE
}
