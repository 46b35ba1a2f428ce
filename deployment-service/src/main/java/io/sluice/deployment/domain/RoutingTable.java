package io.sluice.deployment.domain;

import java.time.Instant;
import java.util.List;

/**
 * The routing-table entry of one model, the projection of its release that inference applies.
 *
 * @param revision    increases by one on every change
 * @param routes      who serves and with what weight; answering weights sum to 100 whenever a route exists
 * @param steps       the release's canary weights (empty when none is in flight)
 * @param stepIndex   current step, -1 when none (or shadowing)
 * @param reason      why it last changed
 * @param lastEventId the deployments event this entry reflects
 * @param since       when it last changed
 */
public record RoutingTable(String model, long revision, Phase phase, List<Route> routes, List<Integer> steps, int stepIndex,
                           String reason, String lastEventId, Instant since) {

    public RoutingTable {
        routes = List.copyOf(routes);
        steps = List.copyOf(steps);
    }

    /** The projection of a release state. */
    public static RoutingTable of(Release release) {
        Release.Candidate candidate = release.candidate();
        return new RoutingTable(release.model(), release.revision(), release.phase(), release.routes(),
                candidate == null ? List.of() : candidate.steps(), candidate == null ? -1 : candidate.stepIndex(),
                release.reason() == null ? "" : release.reason(), release.lastEventId(), release.since());
    }

    /** The same content, ignoring revision, identity and time: what a reader would route by. */
    public boolean sameRouting(RoutingTable other) {
        return other != null && phase == other.phase && routes.equals(other.routes) && steps.equals(other.steps)
                && stepIndex == other.stepIndex;
    }
}
