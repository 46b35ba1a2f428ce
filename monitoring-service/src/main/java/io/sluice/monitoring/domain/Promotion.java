package io.sluice.monitoring.domain;

import java.time.Instant;

/**
 * A version that became production, as the deployment-service announced it (ModelPromoted).
 *
 * @param model           model name
 * @param version         the new production version
 * @param previousVersion the production version it replaced (the predecessor), null for a model's first version
 * @param at              when it became production
 * @param eventId         event id of the announcement (production verdicts are caused by it)
 * @param correlationId   the pipeline run of the announcement
 */
public record Promotion(String model, String version, String previousVersion, Instant at, String eventId, String correlationId) {

    /** True when there is a different predecessor to compare with (and to roll back to). */
    public boolean hasPredecessor() {
        return previousVersion != null && !previousVersion.equals(version);
    }

    /**
     * The production check of this promotion as a release step: the new version in the canary's
     * place, its predecessor in the stable's place, step -1, started at the promotion.
     */
    public Release asRelease(long revision) {
        return new Release(model, revision, previousVersion, null, version, null, -1, false, at, correlationId, eventId);
    }
}
