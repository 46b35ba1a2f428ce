package io.sluice.inference.domain;

import java.time.Instant;

/**
 * One version the routing table names, as this replica holds it.
 *
 * @param model   model name
 * @param route   the route that named it
 * @param state   loading, ready or failed
 * @param reason  why it failed, or null
 * @param info    what was loaded, or null until it is ready
 * @param since   when it entered its state
 * @param queued  inputs waiting in its batch queue
 */
public record HostedVersion(String model, Route route, State state, String reason, ModelInfo info, Instant since, int queued) {

    /** Where a version is in its life on this replica. */
    public enum State { LOADING, READY, FAILED }

    public String version() {
        return route.version();
    }
}
