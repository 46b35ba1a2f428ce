package io.sluice.deployment.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.sluice.deployment.domain.ReleaseEvent.Held;
import io.sluice.deployment.domain.ReleaseEvent.Promoted;
import io.sluice.deployment.domain.ReleaseEvent.RolledBack;
import io.sluice.deployment.domain.ReleaseEvent.Shifted;
import io.sluice.deployment.domain.ReleaseEvent.Started;
import io.sluice.deployment.domain.ReleaseInput.Action;
import io.sluice.deployment.domain.ReleaseInput.Outcome;

/** The release state machine, input by input, through {@link Releases} with a recording publisher. */
class ReleaseMachineTests {

    private final ReleasePolicy policy = new ReleasePolicy(List.of(10, 25, 50, 100), Map.of("fast", List.of(50, 100)),
            Strategy.CANARY, Map.of(), 100, Duration.ofMinutes(30), 1024);
    private final RecordingPublisher published = new RecordingPublisher();
    private final Inputs in = new Inputs();
    private final Releases releases = new Releases(machine(), published);

    @Test
    void servesTheFirstVersionOfAModelImmediately() {
        releases.handle(in.approved("v1"));

        assertThat(published.events).hasExactlyElementsOfTypes(Started.class, Promoted.class);
        assertThat(published.events(Started.class).get(0).strategy()).isEqualTo(Strategy.IMMEDIATE);
        RoutingTable table = published.lastTable(Inputs.MODEL);
        assertThat(table.phase()).isEqualTo(Phase.PROMOTED);
        assertThat(table.routes()).containsExactly(new Route("v1", RouteRole.STABLE, 100, Inputs.uri("v1")));
        assertThat(table.revision()).isEqualTo(2);
    }

    @Test
    void walksEveryCanaryStepToPromotionOnHealthyVerdicts() {
        serving("v1");
        releases.handle(in.approved("v2"));
        assertThat(weights()).containsExactly(90, 10);

        for (int step = 0; step < 3; step++) {
            releases.handle(in.healthy("v2", step));
        }
        assertThat(weights()).containsExactly(0, 100);
        assertThat(published.events(Shifted.class)).extracting(Shifted::toWeight).containsExactly(25, 50, 100);
        releases.handle(in.healthy("v2", 3));

        Promoted promoted = published.events(Promoted.class).get(1);
        assertThat(promoted.version()).isEqualTo("v2");
        assertThat(promoted.previousVersion()).isEqualTo("v1");
        assertThat(promoted.verdictEventId()).isNotNull();
        assertThat(published.lastTable(Inputs.MODEL).routes()).containsExactly(new Route("v2", RouteRole.STABLE, 100, Inputs.uri("v2")));
        assertThat(published.lastTable(Inputs.MODEL).phase()).isEqualTo(Phase.PROMOTED);
    }

    @Test
    void shadowsFirstWithWeightZeroThenStartsTheCanary() {
        serving("v1");
        releases.handle(in.approved("v2", Strategy.SHADOW_FIRST));
        RoutingTable shadow = published.lastTable(Inputs.MODEL);
        assertThat(shadow.phase()).isEqualTo(Phase.SHADOW);
        assertThat(shadow.routes()).containsExactly(new Route("v1", RouteRole.STABLE, 100, Inputs.uri("v1")),
                new Route("v2", RouteRole.SHADOW, 0, Inputs.uri("v2")));

        releases.handle(in.healthy("v2", -1));

        assertThat(published.lastTable(Inputs.MODEL).phase()).isEqualTo(Phase.CANARY);
        assertThat(weights()).containsExactly(90, 10);
    }

    @Test
    void usesTheStepsConfiguredForTheModel() {
        Releases fast = new Releases(machine(), published);
        ReleaseInput.Approved first = in.approved("v1");
        fast.handle(new ReleaseInput.Approved(first.eventId(), first.occurredAt(), "c", "fast", "v1", "file:/m/v1/", Strategy.CANARY));
        fast.handle(new ReleaseInput.Approved("a2", in.advance(Duration.ofSeconds(1)), "c", "fast", "v2", "file:/m/v2/", Strategy.CANARY));

        assertThat(published.lastTable("fast").steps()).containsExactly(50, 100);
        assertThat(published.lastTable("fast").routes()).extracting(Route::weight).containsExactly(50, 50);
    }

    @Test
    void rollsBackADegradedCanaryAtAnyStepWithTheVerdictsEvidence() {
        for (int failingStep = 0; failingStep < 4; failingStep++) {
            String version = "c" + failingStep;
            serving("v1");
            releases.handle(in.approved(version));
            for (int step = 0; step < failingStep; step++) {
                releases.handle(in.healthy(version, step));
            }
            ReleaseInput.Verdict degraded = in.degraded(version, failingStep);
            releases.handle(degraded);

            RolledBack rolledBack = published.events(RolledBack.class).get(published.events(RolledBack.class).size() - 1);
            assertThat(rolledBack.version()).isEqualTo(version);
            assertThat(rolledBack.restoredVersion()).isEqualTo("v1");
            assertThat(rolledBack.verdictEventId()).isEqualTo(degraded.eventId());
            assertThat(rolledBack.evidence()).isEqualTo(degraded.checks());
            RoutingTable table = published.lastTable(Inputs.MODEL);
            assertThat(table.phase()).isEqualTo(Phase.ROLLED_BACK);
            assertThat(table.routes()).containsExactly(new Route("v1", RouteRole.STABLE, 100, Inputs.uri("v1")));
        }
    }

    @Test
    void holdsWithAnEventWhenAHealthyVerdictRestsOnTooFewSamples() {
        serving("v1");
        releases.handle(in.approved("v2"));

        releases.handle(in.verdict(Outcome.HEALTHY, "v2", 0, 20));

        Held held = published.events(Held.class).get(0);
        assertThat(held.held()).isTrue();
        assertThat(held.actor()).isEqualTo(ReleaseEvent.SYSTEM);
        assertThat(held.reason()).contains("20 samples", "100 needed");
        assertThat(weights()).containsExactly(90, 10);
        releases.handle(in.healthy("v2", 0));
        assertThat(weights()).containsExactly(75, 25);
    }

    @Test
    void holdsOnceOnInconclusiveVerdictsAndMovesOnAfterAHealthyOne() {
        serving("v1");
        releases.handle(in.approved("v2"));

        releases.handle(in.verdict(Outcome.INCONCLUSIVE, "v2", 0, 5));
        releases.handle(in.verdict(Outcome.INCONCLUSIVE, "v2", 0, 8));

        assertThat(published.events(Held.class)).hasSize(1);
        assertThat(published.lastTable(Inputs.MODEL).reason()).startsWith("inconclusive at step 0");
        releases.handle(in.healthy("v2", 0));
        assertThat(weights()).containsExactly(75, 25);
    }

    @Test
    void doesNotAdvanceTwiceOnADuplicatedVerdict() {
        serving("v1");
        releases.handle(in.approved("v2"));
        ReleaseInput.Verdict healthy = in.healthy("v2", 0);

        releases.handle(healthy);
        int eventsAfterFirst = published.events.size();
        Releases.Outcome again = releases.handle(healthy);

        assertThat(again.decision().events()).isEmpty();
        assertThat(again.decision().note()).startsWith("duplicate");
        assertThat(published.events).hasSize(eventsAfterFirst);
        assertThat(weights()).containsExactly(75, 25);
    }

    @Test
    void ignoresVerdictsForAnotherVersionOrStep() {
        serving("v1");
        releases.handle(in.approved("v2"));
        int before = published.events.size();

        releases.handle(in.healthy("v9", 0));
        releases.handle(in.healthy("v2", 2));
        releases.handle(in.degraded("v2", 1));
        releases.handle(in.degraded("v1", 0));

        assertThat(published.events).hasSize(before);
        assertThat(weights()).containsExactly(90, 10);
    }

    @Test
    void holdsWithAnEventWhenAStepDeadlinePassesAndNeverPromotesOnTime() {
        serving("v1");
        releases.handle(in.approved("v2"));

        assertThat(releases.tick(in.advance(Duration.ofMinutes(29)))).isEmpty();
        List<ReleaseEvent> held = releases.tick(in.advance(Duration.ofMinutes(2)));
        assertThat(releases.tick(in.advance(Duration.ofHours(5)))).isEmpty();

        assertThat(held).singleElement().isInstanceOfSatisfying(Held.class, h -> {
            assertThat(h.held()).isTrue();
            assertThat(h.reason()).contains("too little traffic");
        });
        assertThat(weights()).containsExactly(90, 10);
        assertThat(published.events(Promoted.class)).hasSize(1);
    }

    @Test
    void supersedesARunningCanaryWithANewerApproval() {
        serving("v1");
        releases.handle(in.approved("v2"));
        releases.handle(in.healthy("v2", 0));

        releases.handle(in.approved("v3"));

        RolledBack superseded = published.events(RolledBack.class).get(0);
        assertThat(superseded.version()).isEqualTo("v2");
        assertThat(superseded.reason()).contains("superseded by newer approved version v3");
        assertThat(published.lastTable(Inputs.MODEL).routes()).extracting(Route::version, Route::weight)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("v1", 90), org.assertj.core.groups.Tuple.tuple("v3", 10));
        int before = published.events.size();
        releases.handle(in.healthy("v2", 1));
        assertThat(published.events).hasSize(before);
    }

    @Test
    void retriesARolledBackVersionAndIgnoresVerdictsFromItsEarlierAttempt() {
        serving("v1");
        releases.handle(in.approved("v2"));
        ReleaseInput.Verdict lateFromFirstAttempt = in.healthy("v2", 0);
        releases.handle(in.degraded("v2", 0));

        releases.handle(in.approved("v2"));
        int before = published.events.size();
        releases.handle(lateFromFirstAttempt);

        assertThat(published.events).hasSize(before);
        assertThat(published.lastTable(Inputs.MODEL).phase()).isEqualTo(Phase.CANARY);
        releases.handle(in.healthy("v2", 0));
        assertThat(weights()).containsExactly(75, 25);
    }

    @Test
    void rollsADegradedProductionVersionBackToItsPredecessor() {
        serving("v1");
        promote("v2");

        ReleaseInput.Verdict degraded = in.degraded("v2", -1);
        releases.handle(degraded);

        RolledBack rolledBack = published.events(RolledBack.class).get(0);
        assertThat(rolledBack.version()).isEqualTo("v2");
        assertThat(rolledBack.restoredVersion()).isEqualTo("v1");
        assertThat(rolledBack.evidence()).isEqualTo(degraded.checks());
        assertThat(published.lastTable(Inputs.MODEL).routes()).containsExactly(new Route("v1", RouteRole.STABLE, 100, Inputs.uri("v1")));
    }

    @Test
    void holdsWithAnEventWhenDegradedProductionHasNoPredecessor() {
        serving("v1");

        releases.handle(in.degraded("v1", -1));

        Held held = published.events(Held.class).get(0);
        assertThat(held.reason()).contains("no predecessor");
        assertThat(published.lastTable(Inputs.MODEL).routes()).containsExactly(new Route("v1", RouteRole.STABLE, 100, Inputs.uri("v1")));
    }

    @Test
    void pausesUntilResumedButStillRollsBackADegradedCanary() {
        serving("v1");
        releases.handle(in.approved("v2"));

        releases.handle(in.command(Action.PAUSE, "alice"));
        releases.handle(in.healthy("v2", 0));
        assertThat(published.lastTable(Inputs.MODEL).phase()).isEqualTo(Phase.PAUSED);
        assertThat(weights()).containsExactly(90, 10);
        releases.handle(in.command(Action.RESUME, "alice"));
        releases.handle(in.healthy("v2", 0));
        assertThat(weights()).containsExactly(75, 25);
        releases.handle(in.command(Action.PAUSE, "alice"));
        releases.handle(in.degraded("v2", 1));

        assertThat(published.lastTable(Inputs.MODEL).routes()).extracting(Route::version).containsExactly("v1");
        assertThat(published.events(Held.class)).extracting(Held::actor, Held::held).containsExactly(
                org.assertj.core.groups.Tuple.tuple("alice", true), org.assertj.core.groups.Tuple.tuple("alice", false),
                org.assertj.core.groups.Tuple.tuple("alice", true));
    }

    @Test
    void recordsTheOperatorsPromotionAndRollback() {
        serving("v1");
        releases.handle(in.approved("v2"));
        releases.handle(in.command(Action.PROMOTE, "root"));
        assertThat(published.events(Promoted.class).get(1).actor()).isEqualTo("root");

        releases.handle(in.command(Action.ROLLBACK, "root"));

        RolledBack rolledBack = published.events(RolledBack.class).get(0);
        assertThat(rolledBack.actor()).isEqualTo("root");
        assertThat(rolledBack.reason()).isEqualTo("operator says rollback");
        assertThat(rolledBack.restoredVersion()).isEqualTo("v1");
    }

    @Test
    void rejectsOperatorCommandsThatDoNotApply() {
        serving("v1");

        assertThat(releases.handle(in.command(Action.PROMOTE, "root")).decision().rejected()).isTrue();
        assertThat(releases.handle(in.command(Action.PAUSE, "root")).decision().rejected()).isTrue();
        assertThat(releases.handle(in.command(Action.RESUME, "root")).decision().rejected()).isTrue();
        assertThat(releases.handle(in.command(Action.ROLLBACK, "root")).decision().rejected()).isTrue();
        releases.handle(in.approved("v2"));
        releases.handle(in.command(Action.PAUSE, "root"));
        assertThat(releases.handle(in.command(Action.PAUSE, "root")).decision().rejected()).isTrue();
    }

    @Test
    void resumesAReleaseMidwayAfterARestartFromItsHistory() {
        serving("v1");
        releases.handle(in.approved("v2"));
        ReleaseInput.Verdict healthy = in.healthy("v2", 0);
        releases.handle(healthy);

        Releases restarted = new Releases(machine(), published);
        restarted.restore(published.tables, published.events);

        assertThat(RoutingTable.of(restarted.find(Inputs.MODEL).orElseThrow())).isEqualTo(published.lastTable(Inputs.MODEL));
        assertThat(restarted.handle(healthy).decision().events()).isEmpty();
        restarted.handle(in.healthy("v2", 1));
        assertThat(published.lastTable(Inputs.MODEL).routes()).extracting(Route::weight).containsExactly(50, 50);
        assertThat(published.lastTable(Inputs.MODEL).revision()).isEqualTo(5);
    }

    @Test
    void republishesTheRoutingTableWhenTheHistoryIsAheadOfIt() {
        serving("v1");
        releases.handle(in.approved("v2"));
        List<RoutingTable> tablesBeforeTheLastEvent = List.copyOf(published.tables.subList(0, published.tables.size() - 1));

        Releases restarted = new Releases(machine(), new RecordingPublisher());
        List<RoutingTable> republished = restarted.restore(tablesBeforeTheLastEvent, published.events);

        assertThat(republished).singleElement().isEqualTo(published.lastTable(Inputs.MODEL));
    }

    @Test
    void rebuildsFromTheRoutingTableAloneWhenTheHistoryIsGone() {
        serving("v1");
        releases.handle(in.approved("v2"));
        releases.handle(in.healthy("v2", 0));

        Releases restarted = new Releases(machine(), published);
        restarted.restore(published.tables, List.of());

        assertThat(RoutingTable.of(restarted.find(Inputs.MODEL).orElseThrow())).isEqualTo(published.lastTable(Inputs.MODEL));
        restarted.handle(in.degraded("v2", 1));
        assertThat(published.lastTable(Inputs.MODEL).routes()).containsExactly(new Route("v1", RouteRole.STABLE, 100, Inputs.uri("v1")));
    }

    @Test
    void refusesToReleaseABlockedVersionWithAHeldEventAndRollsBackACandidateBlockedMidway() {
        Map<String, String> blocked = new java.util.concurrent.ConcurrentHashMap<>();
        Releases guarded = new Releases(new ReleaseMachine(policy, () -> java.util.UUID.randomUUID().toString(), () -> in.now,
                (model, version) -> java.util.Optional.ofNullable(blocked.get(version))), published);
        guarded.handle(in.approved("v1"));
        blocked.put("v2", "by writer:ops-1: leaked labels");

        guarded.handle(in.approved("v2"));

        Held refused = published.events(Held.class).get(0);
        assertThat(refused.version()).isEqualTo("v2");
        assertThat(refused.reason()).isEqualTo("not released: v2 is blocked in the model registry by writer:ops-1: leaked labels");
        assertThat(published.events(Started.class)).extracting(Started::version).containsExactly("v1");
        assertThat(published.lastTable(Inputs.MODEL).routes()).containsExactly(new Route("v1", RouteRole.STABLE, 100, Inputs.uri("v1")));

        guarded.handle(in.approved("v3"));
        assertThat(weights()).containsExactly(90, 10);
        blocked.put("v3", "by admin:root: wrong dataset");
        List<ReleaseEvent> ticked = guarded.tick(in.advance(Duration.ofSeconds(5)));

        assertThat(ticked).singleElement().isInstanceOf(RolledBack.class);
        assertThat(ticked.get(0).reason()).isEqualTo("blocked in the model registry by admin:root: wrong dataset: taken out of traffic");
        assertThat(published.lastTable(Inputs.MODEL).routes()).containsExactly(new Route("v1", RouteRole.STABLE, 100, Inputs.uri("v1")));
    }

    private ReleaseMachine machine() {
        return new ReleaseMachine(policy, () -> java.util.UUID.randomUUID().toString(), () -> in.now);
    }

    private void serving(String version) {
        if (releases.find(Inputs.MODEL).map(r -> r.stable() == null).orElse(true)) {
            releases.handle(in.approved(version));
        }
    }

    private void promote(String version) {
        releases.handle(in.approved(version));
        releases.handle(in.command(Action.PROMOTE, "root"));
    }

    private List<Integer> weights() {
        return published.lastTable(Inputs.MODEL).routes().stream().map(Route::weight).toList();
    }
}
