package io.sluice.deployment.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

import io.sluice.deployment.domain.ReleaseEvent.Held;
import io.sluice.deployment.domain.ReleaseEvent.Promoted;
import io.sluice.deployment.domain.ReleaseEvent.RolledBack;
import io.sluice.deployment.domain.ReleaseEvent.Started;
import io.sluice.deployment.domain.ReleaseInput.Outcome;

/**
 * Random scripts of approvals, verdicts (fresh, duplicated, stale, for other versions and steps), operator commands, the clock
 * and restarts, checked after every action: never serving a rolled-back version, answering weights summing to 100, never stuck
 * without a ReleaseHeld saying why, no promotion without enough healthy evidence, and a restart that changes nothing.
 */
class ReleaseMachinePropertyTests {

    static final String MODEL = "digits";
    static final ReleasePolicy POLICY = new ReleasePolicy(List.of(10, 25, 50, 100), Map.of(), Strategy.CANARY, Map.of(), 100,
            Duration.ofMinutes(30), 1024);

    /** One scripted action. */
    sealed interface Action permits Approve, Judge, Replay, Command, Advance, Restart {}

    record Approve(int version, Strategy suggested) implements Action {}

    /** @param versionChoice 0 the candidate, 1 production, 2 a version not in release; @param stepChoice 0 current, 1 next, 2 -1 */
    record Judge(Outcome outcome, int versionChoice, int stepChoice, long samples) implements Action {}

    record Replay(int index) implements Action {}

    record Command(ReleaseInput.Action action, String actor) implements Action {}

    record Advance(int minutes) implements Action {}

    /** @param lostLastTable the previous instance stopped between an event and its routing-table entry */
    record Restart(boolean lostLastTable) implements Action {}

    @Property(tries = 1000)
    void keepsEveryInvariantWhateverHappens(@ForAll("scripts") List<Action> script) {
        Run run = new Run();
        run.play(List.of(new Approve(1, null), new Approve(2, null))); // production plus a canary, so scripts get far
        run.play(script);
        Statistics.label("promoted on verdicts").collect(run.published.events(Promoted.class).stream().anyMatch(p -> p.verdictEventId() != null));
        Statistics.label("production rolled back").collect(run.published.events(RolledBack.class).stream()
                .anyMatch(r -> r.verdictEventId() != null && r.restoredVersion() != null && r.reason().startsWith("production")));
        Statistics.label("held on a deadline").collect(run.published.events(Held.class).stream().anyMatch(h -> h.reason().contains("traffic")));
        Statistics.label("restarted").collect(script.stream().anyMatch(Restart.class::isInstance));
    }

    @Provide
    Arbitrary<List<Action>> scripts() {
        Arbitrary<Action> approve = Combinators.combine(Arbitraries.integers().between(1, 4),
                Arbitraries.of(Strategy.values()).injectNull(0.2)).as(Approve::new);
        // mostly verdicts that matter (the candidate, its current step, enough samples), so releases get far
        Arbitrary<Action> judge = Combinators.combine(
                Arbitraries.frequency(Tuple.of(6, Outcome.HEALTHY), Tuple.of(2, Outcome.INCONCLUSIVE), Tuple.of(1, Outcome.DEGRADED)),
                Arbitraries.frequency(Tuple.of(6, 0), Tuple.of(2, 1), Tuple.of(1, 2)),
                Arbitraries.frequency(Tuple.of(6, 0), Tuple.of(1, 1), Tuple.of(1, 2)),
                Arbitraries.frequency(Tuple.of(1, 0L), Tuple.of(1, 40L), Tuple.of(1, 100L), Tuple.of(4, 800L))).as(Judge::new);
        Arbitrary<Action> replay = Arbitraries.integers().between(0, 200).map(Replay::new);
        Arbitrary<Action> command = Combinators.combine(Arbitraries.of(ReleaseInput.Action.values()), Arbitraries.of("alice", "bob"))
                .as(Command::new);
        Arbitrary<Action> advance = Arbitraries.integers().between(0, 45).map(Advance::new);
        Arbitrary<Action> restart = Arbitraries.of(true, false).map(Restart::new);
        return Arbitraries.frequencyOf(Tuple.of(2, approve), Tuple.of(12, judge), Tuple.of(2, replay), Tuple.of(2, command),
                        Tuple.of(3, advance), Tuple.of(1, restart))
                .list().ofMinSize(10).ofMaxSize(80);
    }

    /** One script played against the machine, with what the checks need to remember. */
    static final class Run {
        final RecordingPublisher published = new RecordingPublisher();
        final ReleaseMachine machine = new ReleaseMachine(POLICY, () -> UUID.randomUUID().toString(), () -> this.now);
        Releases releases = new Releases(machine, published);
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        final List<ReleaseInput.Verdict> sent = new ArrayList<>();
        final Map<String, ReleaseInput.Verdict> verdictsById = new HashMap<>();
        final Set<String> approvalIds = new HashSet<>();
        final Set<String> rolledBack = new HashSet<>();
        int eventsChecked;

        void play(List<Action> script) {
            for (Action action : script) {
                now = now.plusSeconds(1);
                int before = published.events.size();
                apply(action, before);
                checkNewEvents();
                checkState(action);
            }
        }

        private void apply(Action action, int before) {
            Release state = current();
            if (action instanceof Approve a) {
                ReleaseInput.Approved approved = new ReleaseInput.Approved(UUID.randomUUID().toString(), now, "run", MODEL,
                        "v" + a.version(), "file:/models/v" + a.version() + "/", a.suggested());
                approvalIds.add(approved.eventId());
                releases.handle(approved);
            } else if (action instanceof Judge j) {
                String version = switch (j.versionChoice()) {
                    case 0 -> state.candidate() != null ? state.candidate().version() : state.stable() != null ? state.stable().version() : "v1";
                    case 1 -> state.stable() != null ? state.stable().version() : "v1";
                    default -> "v9";
                };
                int current = state.candidate() != null ? state.candidate().stepIndex() : -1;
                int step = switch (j.stepChoice()) {
                    case 0 -> current;
                    case 1 -> current + 1;
                    default -> -1;
                };
                ReleaseInput.Verdict verdict = new ReleaseInput.Verdict(UUID.randomUUID().toString(), now, "run", MODEL, version, null,
                        step, j.outcome(), List.of(Inputs.check(j.samples()), Inputs.check(j.samples() + 7)), j.outcome().name());
                sent.add(verdict);
                verdictsById.put(verdict.eventId(), verdict);
                releases.handle(verdict);
            } else if (action instanceof Replay r && !sent.isEmpty()) {
                ReleaseInput.Verdict again = sent.get(r.index() % sent.size());
                Releases.Outcome outcome = releases.handle(again);
                if (state.handled(again.eventId())) {
                    assertThat(outcome.decision().events()).as("a verdict already acted on changes nothing").isEmpty();
                }
            } else if (action instanceof Command c) {
                Releases.Outcome outcome = releases.handle(new ReleaseInput.Command(MODEL, c.action(), c.actor(), "because", now));
                if (outcome.decision().rejected()) {
                    assertThat(published.events).as("a rejected command publishes nothing").hasSize(before);
                }
            } else if (action instanceof Advance a) {
                now = now.plus(Duration.ofMinutes(a.minutes()));
                releases.tick(now);
            } else if (action instanceof Restart r) {
                restart(r.lostLastTable());
            }
        }

        private void restart(boolean lostLastTable) {
            Release before = current();
            if (lostLastTable && !published.tables.isEmpty()) {
                published.tables.remove(published.tables.size() - 1);
            }
            releases = new Releases(machine, published);
            releases.restore(List.copyOf(published.tables), List.copyOf(published.events));
            Release after = current();
            assertThat(after.withLastVerdict(null)).as("state rebuilt from Kafka equals the state before the restart")
                    .isEqualTo(before.withLastVerdict(null));
            if (before.revision() > 0) {
                assertThat(published.lastTable(MODEL)).isEqualTo(RoutingTable.of(before));
            }
        }

        private Release current() {
            return releases.find(MODEL).orElse(Release.empty(MODEL));
        }

        private void checkNewEvents() {
            for (; eventsChecked < published.events.size(); eventsChecked++) {
                ReleaseEvent event = published.events.get(eventsChecked);
                if (event instanceof RolledBack e) {
                    rolledBack.add(e.version());
                } else if (event instanceof Started e) {
                    rolledBack.remove(e.version()); // a retry of the same version
                } else if (event instanceof Promoted e && ReleaseEvent.SYSTEM.equals(e.actor())) {
                    if (e.verdictEventId() == null) {
                        assertThat(e.previousVersion()).as("only an immediate first release promotes without a verdict").isNull();
                        assertThat(approvalIds).contains(e.meta().causationId());
                    } else {
                        ReleaseInput.Verdict verdict = verdictsById.get(e.verdictEventId());
                        assertThat(verdict.outcome()).isEqualTo(Outcome.HEALTHY);
                        assertThat(verdict.samples()).isGreaterThanOrEqualTo(POLICY.minSamples());
                        assertThat(verdict.canaryVersion()).isEqualTo(e.version());
                        assertThat(verdict.stepIndex()).isEqualTo(POLICY.defaultSteps().size() - 1);
                    }
                }
            }
        }

        private void checkState(Action action) {
            Release state = current();
            RoutingTable table = published.lastTable(MODEL);
            if (table == null) {
                return;
            }
            assertThat(table).as("the routing table is the projection of the state").isEqualTo(RoutingTable.of(state));
            List<Route> routes = table.routes();
            if (!routes.isEmpty()) {
                assertThat(routes.stream().filter(r -> r.role() != RouteRole.SHADOW).mapToInt(Route::weight).sum())
                        .as("answering weights of %s", routes).isEqualTo(100);
                assertThat(routes).allSatisfy(r -> assertThat(r.weight()).isBetween(0, 100));
                assertThat(routes).filteredOn(r -> r.role() == RouteRole.SHADOW).allSatisfy(r -> assertThat(r.weight()).isZero());
                assertThat(routes).extracting(Route::version).doesNotHaveDuplicates();
                assertThat(routes).filteredOn(r -> r.role() == RouteRole.STABLE).hasSize(1);
                assertThat(routes).allSatisfy(r -> assertThat(r.modelUri()).isNotBlank());
            }
            for (Route route : routes) {
                assertThat(rolledBack).as("versions rolled back and not approved again").doesNotContain(route.version());
            }
            List<Long> revisions = published.tables.stream().filter(t -> t.model().equals(MODEL)).map(RoutingTable::revision).toList();
            for (int i = 0; i < revisions.size(); i++) {
                assertThat(revisions.get(i)).as("revisions").isEqualTo(i + 1L);
            }
            Release.Candidate candidate = state.candidate();
            if (candidate != null && (candidate.paused() || candidate.holdReason() != null)) {
                ReleaseEvent last = published.events.get(published.events.size() - 1);
                assertThat(last).as("a release that does not move says why").isInstanceOfSatisfying(Held.class,
                        h -> assertThat(h.held()).isTrue());
            }
            if (action instanceof Advance && candidate != null && !candidate.paused() && candidate.holdReason() == null) {
                assertThat(now).as("a moving release is within its step deadline").isBefore(candidate.stepSince().plus(POLICY.stepDeadline()));
            }
        }
    }
}
