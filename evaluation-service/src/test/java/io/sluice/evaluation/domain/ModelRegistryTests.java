package io.sluice.evaluation.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The registry projection: lineage, lifecycle stages, aliases, and indifference to replays and order. */
class ModelRegistryTests {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static ModelRegistry.Trained trained(String version, String parent, Instant at) {
        return new ModelRegistry.Trained("digits", version, "run-" + version, "digits-data", "ds-" + version, parent,
                "file:/models/digits/" + version + "/", at);
    }

    private static ModelVersion.Decision decision(boolean approved, Instant at) {
        return new ModelVersion.Decision(approved, 0.97, 0.05, 0.96, 0.95, List.of(), approved ? List.of() : List.of("min-accuracy: low"),
                null, null, null, at);
    }

    @Test
    void walksAVersionFromCandidateToProductionAndRetiresItsPredecessor() {
        ModelRegistry registry = new ModelRegistry();
        registry.trained(trained("v1", null, T0));
        registry.decided("digits", "v1", trained("v1", null, T0), decision(true, T0.plusSeconds(1)));
        registry.canaryStarted("digits", "v1", null, T0.plusSeconds(2));
        registry.promoted("digits", "v1", T0.plusSeconds(3), "healthy");
        registry.trained(trained("v2", "v1", T0.plusSeconds(10)));
        registry.decided("digits", "v2", trained("v2", "v1", T0.plusSeconds(10)), decision(true, T0.plusSeconds(11)));
        registry.canaryStarted("digits", "v2", null, T0.plusSeconds(12));

        assertThat(registry.champion("digits")).contains("v1");
        assertThat(registry.challenger("digits")).contains("v2");
        registry.promoted("digits", "v2", T0.plusSeconds(13), "healthy");

        assertThat(registry.get("digits", "v1").orElseThrow().stage()).isEqualTo(Stage.RETIRED);
        ModelVersion v2 = registry.resolve("digits", "champion").orElseThrow();
        assertThat(v2.version()).isEqualTo("v2");
        assertThat(v2.parentVersion()).isEqualTo("v1");
        assertThat(v2.datasetVersion()).isEqualTo("ds-v2");
        assertThat(v2.history()).extracting(ModelVersion.StageChange::stage)
                .containsExactly(Stage.CANDIDATE, Stage.APPROVED, Stage.CANARY, Stage.PRODUCTION);
        assertThat(registry.challenger("digits")).isEmpty();
    }

    @Test
    void restoresThePreviousVersionOnRollback() {
        ModelRegistry registry = new ModelRegistry();
        registry.trained(trained("v1", null, T0));
        registry.promoted("digits", "v1", T0, "promoted");
        registry.trained(trained("v2", "v1", T0.plusSeconds(5)));
        registry.canaryStarted("digits", "v2", null, T0.plusSeconds(6));
        registry.promoted("digits", "v2", T0.plusSeconds(7), "promoted");

        registry.rolledBack("digits", "v2", "v1", T0.plusSeconds(8), "canary degraded");

        assertThat(registry.get("digits", "v2").orElseThrow().stage()).isEqualTo(Stage.ROLLED_BACK);
        assertThat(registry.get("digits", "v1").orElseThrow().stage()).isEqualTo(Stage.PRODUCTION);
    }

    @Test
    void keepsTheSameStateWhenEventsAreReplayedOrArriveOutOfOrder() {
        ModelRegistry registry = new ModelRegistry();
        registry.canaryStarted("digits", "v1", null, T0.plusSeconds(2));
        registry.decided("digits", "v1", trained("v1", null, T0), decision(true, T0.plusSeconds(1)));
        registry.trained(trained("v1", null, T0));
        registry.trained(trained("v1", null, T0));
        registry.decided("digits", "v1", trained("v1", null, T0), decision(true, T0.plusSeconds(1)));

        ModelVersion v1 = registry.get("digits", "v1").orElseThrow();
        assertThat(v1.stage()).isEqualTo(Stage.CANARY);
        assertThat(v1.decision().approved()).isTrue();
        assertThat(v1.runId()).isEqualTo("run-v1");
        assertThat(v1.history()).extracting(ModelVersion.StageChange::stage).containsExactly(Stage.CANARY);
    }

    @Test
    void prefersTheRoutingTableForAliasesAndIgnoresOlderRevisions() {
        ModelRegistry registry = new ModelRegistry();
        registry.trained(trained("v1", null, T0));
        registry.trained(trained("v2", null, T0.plusSeconds(1)));
        registry.routed("digits", new ModelRegistry.Routing(5, "v1", "file:/v1/", "v2"));
        registry.routed("digits", new ModelRegistry.Routing(4, "v2", "file:/v2/", null));

        assertThat(registry.champion("digits")).contains("v1");
        assertThat(registry.resolve("digits", "challenger").map(ModelVersion::version)).contains("v2");
        assertThat(registry.resolve("digits", "nope")).isEmpty();
        assertThat(registry.modelNames()).containsExactly("digits");
    }

    @Test
    void protectsServingVersionsTheChampionAliasesTheRollbackTargetAndTheirLineage() {
        ModelRegistry registry = new ModelRegistry();
        registry.trained(trained("v0", null, T0));
        registry.trained(trained("v1", "v0", T0.plusSeconds(1)));
        registry.trained(trained("v2", null, T0.plusSeconds(2)));
        registry.trained(trained("v3", "v1", T0.plusSeconds(3)));
        registry.trained(trained("v4", "v3", T0.plusSeconds(4)));
        registry.trained(trained("v5", null, T0.plusSeconds(5)));
        registry.promoted("digits", "v2", T0.plusSeconds(10), "canary healthy");
        registry.promoted("digits", "v3", T0.plusSeconds(20), "canary healthy"); // v2 retired, replaced by v3
        registry.routed("digits", new ModelRegistry.Routing(7, "v3", "file:/v3/", "v4", List.of(
                new ModelRegistry.Served("v3", "stable", 90), new ModelRegistry.Served("v4", "canary", 10),
                new ModelRegistry.Served("v5", "shadow", 0))));

        Map<String, List<String>> kept = registry.protectedVersions("digits");

        assertThat(kept).containsOnlyKeys("v0", "v1", "v2", "v3", "v4", "v5");
        assertThat(kept.get("v3")).containsExactly("serving: stable, weight 90", "champion", "lineage: ancestor of v4");
        assertThat(kept.get("v4")).containsExactly("serving: canary, weight 10", "alias: challenger");
        assertThat(kept.get("v5")).containsExactly("serving: shadow, weight 0", "alias: latest");
        assertThat(kept.get("v2")).containsExactly("rollback target: production before v3");
        assertThat(kept.get("v1")).containsExactly("lineage: ancestor of v3", "lineage: ancestor of v4");
        assertThat(kept.get("v0")).containsExactly("lineage: ancestor of v3", "lineage: ancestor of v4");
        assertThat(registry.protectedVersions("nobody")).isEmpty();
    }

    private static RegistryCommand command(String id, RegistryCommand.Action action, String alias, String version, String reason) {
        return new RegistryCommand(id, "digits", action, alias, version, "writer:ops-1", "writer", reason, T0.plusSeconds(60));
    }

    @Test
    void pinsTheChampionOverTheRoutingTableAndMovesAnAliasInOneCommand() {
        ModelRegistry registry = new ModelRegistry();
        registry.trained(trained("v1", null, T0));
        registry.trained(trained("v2", "v1", T0.plusSeconds(1)));
        registry.routed("digits", new ModelRegistry.Routing(3, "v2", "file:/v2/", null));

        assertThat(registry.command(command("c1", RegistryCommand.Action.SET_ALIAS, "champion", "v1", "v2 regressed")).applied()).isTrue();
        assertThat(registry.champion("digits")).contains("v1");
        assertThat(registry.resolve("digits", "champion").map(ModelVersion::version)).contains("v1");

        RegistryCommand.Audited moved = registry.command(command("c2", RegistryCommand.Action.SET_ALIAS, "champion", "v2", "fixed"));
        assertThat(moved.note()).isEqualTo("champion moved from v1 to v2");
        assertThat(registry.aliases("digits").get("champion").set().reason()).isEqualTo("fixed");

        registry.command(command("c3", RegistryCommand.Action.REMOVE_ALIAS, "champion", null, "back to routing"));
        assertThat(registry.champion("digits")).contains("v2"); // the routing table's stable route again
        assertThat(registry.audit("digits")).extracting(a -> a.command().id()).containsExactly("c1", "c2", "c3");
    }

    @Test
    void neverPointsAnAliasAtABlockedVersionAndDropsAliasesWhenItBlocks() {
        ModelRegistry registry = new ModelRegistry();
        registry.trained(trained("v1", null, T0));
        registry.command(command("c1", RegistryCommand.Action.SET_ALIAS, "best", "v1", "top"));

        RegistryCommand.Audited block = registry.command(command("c2", RegistryCommand.Action.BLOCK, null, "v1", "leaked labels"));
        assertThat(block.note()).isEqualTo("blocked v1; removed alias(es) best");
        assertThat(registry.aliases("digits")).isEmpty();
        assertThat(registry.blocked("digits", "v1").map(Mark::reason)).contains("leaked labels");

        RegistryCommand again = command("c3", RegistryCommand.Action.SET_ALIAS, "champion", "v1", "try");
        assertThat(registry.refusal(again)).contains("v1 is blocked: leaked labels");
        assertThat(registry.command(again).applied()).isFalse();
        assertThat(registry.champion("digits")).isEmpty();

        registry.command(command("c4", RegistryCommand.Action.UNBLOCK, null, "v1", "false alarm"));
        assertThat(registry.blocked("digits", "v1")).isEmpty();
        assertThat(registry.refusal(command("c5", RegistryCommand.Action.SET_ALIAS, "latest", "v1", "x"))).isPresent();
    }

    @Test
    void foldsACommandOrADeploymentEventOnceSoAReplayOverARestoredStateChangesNothing() {
        ModelRegistry registry = new ModelRegistry();
        registry.trained(trained("v1", null, T0));
        registry.once("digits", "e1", () -> registry.canaryStarted("digits", "v1", null, T0.plusSeconds(1)));
        registry.once("digits", "e2", () -> registry.promoted("digits", "v1", T0.plusSeconds(2), "healthy"));
        registry.command(command("c1", RegistryCommand.Action.SET_ALIAS, "gold", "v1", "first"));
        registry.command(command("c2", RegistryCommand.Action.ANNOTATE, null, "v1", "checked"));
        registry.command(command("c3", RegistryCommand.Action.SET_ALIAS, "gold", "v1", "same target"));
        ModelState before = registry.export("digits");
        assertThat(registry.protectedVersions("digits").get("v1")).contains("champion", "alias: gold"); // retention keeps alias targets

        ModelRegistry restored = new ModelRegistry();
        restored.restore(before);
        restored.trained(trained("v1", null, T0));
        assertThat(restored.once("digits", "e1", () -> restored.canaryStarted("digits", "v1", null, T0.plusSeconds(1)))).isFalse();
        restored.once("digits", "e2", () -> restored.promoted("digits", "v1", T0.plusSeconds(2), "healthy"));
        restored.command(command("c1", RegistryCommand.Action.SET_ALIAS, "gold", "v1", "first"));
        restored.command(command("c2", RegistryCommand.Action.ANNOTATE, null, "v1", "checked"));

        assertThat(restored.export("digits")).isEqualTo(before);
        assertThat(before.audit()).extracting(RegistryCommand.Audited::applied).containsExactly(true, true, false);
        assertThat(restored.get("digits", "v1").orElseThrow().notes()).hasSize(1);
    }
}
