package io.sluice.deployment.web;

import java.util.List;

import io.sluice.deployment.domain.Release;
import io.sluice.deployment.domain.ReleaseInput;
import io.sluice.deployment.domain.Route;

/**
 * One model's deployment as operators see it (the JSON of {@code GET /deployments/{model}}).
 *
 * @param modelName     model name
 * @param revision      routing-table revision
 * @param phase         IDLE, SHADOW, CANARY, PAUSED, PROMOTED or ROLLED_BACK
 * @param stableVersion production version, or null
 * @param canaryVersion version in release (canary or shadow), or null
 * @param strategy      strategy of the release in flight, or null
 * @param routes        who serves with what weight
 * @param steps         canary weights of the release in flight (empty when none)
 * @param stepIndex     current step (-1: none or shadow)
 * @param paused        an operator paused the release
 * @param held          the system holds the release (see holdReason)
 * @param holdReason    why it holds, or null
 * @param since         ISO-8601 time of the last change
 * @param stepSince     ISO-8601 time the current step began, or null
 * @param reason        why it last changed
 * @param predecessors  earlier production versions a rollback can restore, most recent last
 * @param lastVerdict   the last monitoring verdict seen for this model since start, or null
 */
public record DeploymentView(String modelName, long revision, String phase, String stableVersion, String canaryVersion, String strategy,
                             List<RouteView> routes, List<Integer> steps, int stepIndex, boolean paused, boolean held, String holdReason,
                             String since, String stepSince, String reason, List<String> predecessors, VerdictView lastVerdict) {

    /**
     * One routing-table entry.
     *
     * @param weight percent of traffic answered (shadows 0)
     */
    public record RouteView(String version, String role, int weight, String modelUri) {}

    /**
     * A monitoring verdict.
     *
     * @param outcome HEALTHY, DEGRADED or INCONCLUSIVE
     * @param samples smallest candidate sample size over its checks
     */
    public record VerdictView(String eventId, String outcome, String canaryVersion, int stepIndex, long samples, String reason,
                              String occurredAt) {}

    static DeploymentView of(Release release) {
        Release.Candidate candidate = release.candidate();
        ReleaseInput.Verdict verdict = release.lastVerdict();
        return new DeploymentView(release.model(), release.revision(), release.phase().name(),
                release.stable() == null ? null : release.stable().version(), candidate == null ? null : candidate.version(),
                candidate == null ? null : candidate.strategy().name(),
                release.routes().stream().map(DeploymentView::route).toList(),
                candidate == null ? List.of() : candidate.steps(), candidate == null ? -1 : candidate.stepIndex(),
                candidate != null && candidate.paused(), candidate != null && candidate.holdReason() != null,
                candidate == null ? null : candidate.holdReason(), release.since() == null ? null : release.since().toString(),
                candidate == null ? null : candidate.stepSince().toString(), release.reason(),
                release.predecessors().stream().map(Release.Deployed::version).toList(),
                verdict == null ? null : new VerdictView(verdict.eventId(), verdict.outcome().name(), verdict.canaryVersion(),
                        verdict.stepIndex(), verdict.samples(), verdict.reason(), verdict.occurredAt().toString()));
    }

    private static RouteView route(Route route) {
        return new RouteView(route.version(), route.role().name(), route.weight(), route.modelUri());
    }
}
