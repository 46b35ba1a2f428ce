package io.sluice.deployment.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.sluice.deployment.domain.Release.Candidate;
import io.sluice.deployment.domain.Release.Deployed;

/**
 * Every model's release: applies inputs one at a time through the {@link ReleaseMachine}, publishes each event followed by the
 * routing-table entry it leads to, and rebuilds itself from the event history and the last routing tables on start.
 */
public final class Releases {

    /**
     * What one input did.
     *
     * @param decision what the machine decided
     * @param release  the model's state afterwards
     */
    public record Outcome(Decision decision, Release release) {}

    private final ReleaseMachine machine;
    private final ReleasePublisher publisher;
    private final Map<String, Release> releases = new TreeMap<>();

    public Releases(ReleaseMachine machine, ReleasePublisher publisher) {
        this.machine = machine;
        this.publisher = publisher;
    }

    /** Applies one input; events are published before the state moves, so a failed publish leaves it as it was. */
    public synchronized Outcome handle(ReleaseInput input) {
        Release state = releases.getOrDefault(input.model(), Release.empty(input.model()));
        if (input instanceof ReleaseInput.Verdict verdict) {
            state = state.withLastVerdict(verdict);
        }
        Decision decision = machine.decide(state, input);
        for (ReleaseEvent event : decision.events()) {
            state = machine.evolve(state, event);
            publisher.event(event);
            publisher.table(RoutingTable.of(state), event);
        }
        if (!decision.events().isEmpty() || releases.containsKey(input.model())) { // no entry for verdicts on unknown models
            releases.put(input.model(), state);
        }
        return new Outcome(decision, state);
    }

    /** Checks every release in flight against its step deadline. */
    public synchronized List<ReleaseEvent> tick(Instant now) {
        List<ReleaseEvent> events = new ArrayList<>();
        for (String model : List.copyOf(releases.keySet())) {
            events.addAll(handle(new ReleaseInput.Tick(model, now)).decision().events());
        }
        return events;
    }

    /** Forgets the releases of the models that match (another replica owns them now). */
    public synchronized void drop(java.util.function.Predicate<String> models) {
        releases.keySet().removeIf(models);
    }

    /** Folds an event another replica (or this one) published into a read-only view; nothing is published. */
    public synchronized Release follow(ReleaseEvent event) {
        Release state = machine.evolve(releases.getOrDefault(event.model(), Release.empty(event.model())), event);
        releases.put(event.model(), state);
        return state;
    }

    /** What an input would decide now, without publishing or changing anything (an operator's command checked on any replica). */
    public synchronized Decision preview(ReleaseInput input) {
        return machine.decide(releases.getOrDefault(input.model(), Release.empty(input.model())), input);
    }

    /** Every model's release, by name. */
    public synchronized List<Release> all() {
        return List.copyOf(releases.values());
    }

    /** One model's release. */
    public synchronized Optional<Release> find(String model) {
        return Optional.ofNullable(releases.get(model));
    }

    /**
     * Rebuilds the state of every model from the routing tables read back (the latest entry per model wins) and the event
     * history (in order); republishes an entry where the history is ahead of the table (a stop between the two writes).
     *
     * @return the tables republished
     */
    public synchronized List<RoutingTable> restore(Collection<RoutingTable> tables, List<ReleaseEvent> history) {
        Map<String, RoutingTable> latest = new HashMap<>();
        for (RoutingTable table : tables) {
            latest.merge(table.model(), table, (a, b) -> b.revision() >= a.revision() ? b : a);
        }
        Map<String, List<ReleaseEvent>> byModel = new LinkedHashMap<>();
        history.forEach(e -> byModel.computeIfAbsent(e.model(), m -> new ArrayList<>()).add(e));
        List<RoutingTable> republished = new ArrayList<>();
        java.util.Set<String> models = new java.util.TreeSet<>(latest.keySet());
        models.addAll(byModel.keySet());
        for (String model : models) {
            List<ReleaseEvent> events = byModel.getOrDefault(model, List.of());
            Release folded = Release.empty(model);
            for (ReleaseEvent event : events) {
                folded = machine.evolve(folded, event);
            }
            RoutingTable table = latest.get(model);
            Release state;
            int behind = 0;
            if (table == null) {
                state = folded;
                behind = events.size();
            } else {
                int at = indexOf(events, table.lastEventId());
                if (at >= 0) {
                    behind = events.size() - 1 - at;
                    state = folded.withRevision(table.revision() + behind);
                } else {
                    state = fromTable(table, folded);
                }
            }
            releases.put(model, state);
            if (behind > 0) {
                RoutingTable current = RoutingTable.of(state);
                publisher.table(current, events.get(events.size() - 1));
                republished.add(current);
            }
        }
        return republished;
    }

    private static int indexOf(List<ReleaseEvent> events, String eventId) {
        for (int i = events.size() - 1; i >= 0 && eventId != null; i--) {
            if (eventId.equals(events.get(i).meta().eventId())) {
                return i;
            }
        }
        return -1;
    }

    /** The state a routing table describes, when the history that led to it is gone; keeps what the remaining history knows. */
    private Release fromTable(RoutingTable table, Release known) {
        Deployed stable = null;
        Candidate candidate = null;
        Map<String, String> uris = new HashMap<>(known.knownUris());
        Instant since = table.since() == null ? Instant.EPOCH : table.since();
        for (Route route : table.routes()) {
            uris.put(route.version(), route.modelUri());
            if (route.role() == RouteRole.STABLE) {
                stable = new Deployed(route.version(), route.modelUri());
            } else {
                List<Integer> steps = table.steps().isEmpty() ? machine.policy().steps(table.model()) : table.steps();
                int index = route.role() == RouteRole.SHADOW ? -1 : Math.max(0, Math.min(table.stepIndex(), steps.size() - 1));
                candidate = new Candidate(route.version(), route.modelUri(),
                        route.role() == RouteRole.SHADOW ? Strategy.SHADOW_FIRST : Strategy.CANARY, steps, index, since, since,
                        table.phase() == Phase.PAUSED, null);
            }
        }
        if (stable == null && candidate != null) { // a lone candidate answers everything: it is production
            stable = new Deployed(candidate.version(), candidate.modelUri());
            candidate = null;
        }
        Deployed servingStable = stable;
        Candidate servingCandidate = candidate;
        List<Deployed> predecessors = known.predecessors().stream()
                .filter(d -> !d.version().equals(servingStable == null ? null : servingStable.version()))
                .filter(d -> servingCandidate == null || !d.version().equals(servingCandidate.version()))
                .sorted(Comparator.comparingInt(d -> known.predecessors().indexOf(d))).toList();
        Phase settled = switch (table.phase()) {
            case IDLE, PROMOTED, ROLLED_BACK -> table.phase();
            default -> stable == null ? Phase.IDLE : Phase.PROMOTED;
        };
        return new Release(table.model(), table.revision(), settled, stable, candidate, predecessors, uris, known.handled(), since,
                table.reason(), table.lastEventId(), null);
    }
}
