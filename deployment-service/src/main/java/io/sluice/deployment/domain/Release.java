package io.sluice.deployment.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The release state of one model name: who serves, the candidate in flight and what the machine remembers; immutable.
 *
 * @param model        model name
 * @param revision     routing-table revision; increases by one with every event
 * @param settled      phase when no candidate is in flight (IDLE, PROMOTED or ROLLED_BACK)
 * @param stable       the production version, or null when nothing serves
 * @param candidate    the release in flight, or null
 * @param predecessors earlier production versions, most recent last (the rollback targets)
 * @param knownUris    model URI of every version seen
 * @param handled      ids of input events already acted on (bounded, most recent last)
 * @param since        when the state last changed
 * @param reason       why it last changed
 * @param lastEventId  id of the last event folded in, or null
 * @param lastVerdict  the last verdict received for this model (not rebuilt after a restart), or null
 */
public record Release(String model, long revision, Phase settled, Deployed stable, Candidate candidate, List<Deployed> predecessors,
                      Map<String, String> knownUris, Set<String> handled, Instant since, String reason, String lastEventId,
                      ReleaseInput.Verdict lastVerdict) {

    /**
     * A version and where its files are.
     *
     * @param version  model version
     * @param modelUri prefix in the models bucket
     */
    public record Deployed(String version, String modelUri) {}

    /**
     * A release in flight.
     *
     * @param stepIndex      index into {@code steps}; -1 while shadowing
     * @param attemptStarted when this attempt began (verdicts from before it are stale)
     * @param stepSince      when the current step began (deadline clock)
     * @param paused         an operator paused it
     * @param holdReason     why the system holds it, or null
     */
    public record Candidate(String version, String modelUri, Strategy strategy, List<Integer> steps, int stepIndex,
                            Instant attemptStarted, Instant stepSince, boolean paused, String holdReason) {

        /** Weight the candidate answers now (0 while shadowing). */
        public int weight() {
            return stepIndex < 0 ? 0 : steps.get(stepIndex);
        }

        boolean lastStep() {
            return stepIndex == steps.size() - 1;
        }

        Candidate atStep(int index, Instant at) {
            return new Candidate(version, modelUri, strategy, steps, index, attemptStarted, at, paused, null);
        }

        Candidate paused(boolean value, Instant at) {
            return new Candidate(version, modelUri, strategy, steps, stepIndex, attemptStarted, value ? stepSince : at, value,
                    value ? holdReason : null);
        }

        Candidate held(String why) {
            return new Candidate(version, modelUri, strategy, steps, stepIndex, attemptStarted, stepSince, paused, why);
        }
    }

    public Release {
        predecessors = List.copyOf(predecessors);
        knownUris = Map.copyOf(knownUris);
        handled = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(handled));
    }

    /** A model nothing was released for. */
    public static Release empty(String model) {
        return new Release(model, 0, Phase.IDLE, null, null, List.of(), Map.of(), Set.of(), null, "", null, null);
    }

    /** The phase the routing table reports. */
    public Phase phase() {
        if (candidate == null) {
            return settled;
        }
        if (candidate.paused()) {
            return Phase.PAUSED;
        }
        return candidate.stepIndex() < 0 ? Phase.SHADOW : Phase.CANARY;
    }

    /** Who serves and with what weight; answering weights sum to 100 whenever a route exists. */
    public List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        int canaryWeight = candidate == null ? 0 : candidate.weight();
        if (stable != null) {
            routes.add(new Route(stable.version(), RouteRole.STABLE, 100 - canaryWeight, stable.modelUri()));
        }
        if (candidate != null) {
            routes.add(new Route(candidate.version(), candidate.stepIndex() < 0 ? RouteRole.SHADOW : RouteRole.CANARY, canaryWeight,
                    candidate.modelUri()));
        }
        return routes;
    }

    /** The most recent predecessor that can take production back, or null. */
    public Deployed predecessor() {
        return predecessors.isEmpty() ? null : predecessors.get(predecessors.size() - 1);
    }

    /** Whether an input event with this id was already acted on. */
    public boolean handled(String eventId) {
        return eventId != null && handled.contains(eventId);
    }

    /** The same state with another last verdict. */
    public Release withLastVerdict(ReleaseInput.Verdict verdict) {
        return new Release(model, revision, settled, stable, candidate, predecessors, knownUris, handled, since, reason, lastEventId,
                verdict);
    }

    /** The same state at another revision. */
    public Release withRevision(long value) {
        return new Release(model, value, settled, stable, candidate, predecessors, knownUris, handled, since, reason, lastEventId,
                lastVerdict);
    }
}
