package io.sluice.evaluation.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.sluice.evaluation.domain.Mark;
import io.sluice.evaluation.domain.ModelRegistry;
import io.sluice.evaluation.domain.ModelVersion;
import io.sluice.evaluation.domain.RegistryCommand;
import io.sluice.evaluation.domain.Stage;
import io.sluice.events.Events;
import io.sluice.events.ModelPromoted;
import io.sluice.events.RegistryAction;
import io.sluice.events.RegistryCommandIssued;
import io.sluice.events.RegistryState;
import io.sluice.events.TrainingCompleted;
import io.sluice.platform.events.EventHeaders;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.kafka.KafkaClients;
import io.sluice.platform.testkit.SluiceKafka;

/**
 * The registry replay on a real broker: rebuilds state from the topics, knows the versions still awaiting a decision, and
 * restores operators' aliases, blocks and notes from the compacted registry topic alone.
 */
class RegistryProjectionTests {

    private static final List<String> EVENT_TOPICS = List.of(SluiceTopics.TRAINING, SluiceTopics.EVALUATIONS, SluiceTopics.DEPLOYMENTS,
            SluiceTopics.DEPLOYMENT_STATE, SluiceTopics.REGISTRY_COMMANDS);

    @RegisterExtension
    static SluiceKafka kafka = new SluiceKafka();

    @Test
    void rebuildsTheRegistryFromTheTopicsAndRecoversUndecidedVersions() throws Exception {
        TrainingCompleted decided = Events.trainingCompleted().setModelName("digits").setModelVersion("v1").build();
        TrainingCompleted undecided = Events.trainingCompleted().setModelName("digits").setModelVersion("v2").setParentModelVersion("v1").build();
        kafka.publish(SluiceTopics.TRAINING, decided.getRunId(), decided);
        kafka.publish(SluiceTopics.TRAINING, undecided.getRunId(), undecided);
        kafka.publish(SluiceTopics.TRAINING, "run-x", Events.trainingStarted().build());
        kafka.publishRaw(SluiceTopics.TRAINING, "run-x", "not avro".getBytes());
        kafka.publish(SluiceTopics.EVALUATIONS, "digits", Events.modelApproved().setModelName("digits").setModelVersion("v1").build());
        kafka.publish(SluiceTopics.DEPLOYMENTS, "digits", ModelPromoted.newBuilder().setHeader(Events.newHeader()).setModelName("digits")
                .setVersion("v1").setActor("system").setReason("healthy").build());
        kafka.publish(SluiceTopics.DEPLOYMENT_STATE, "digits", Events.deploymentState().setModelName("digits").build());

        ModelRegistry registry = new ModelRegistry();
        RegistryProjection projection = projection(registry, EVENT_TOPICS);
        assertThat(projection.status().current()).isFalse();
        projection.start();
        try {
            assertThat(projection.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
            assertThat(projection.status().current()).isTrue();

            assertThat(projection.undecided()).extracting(TrainingCompleted::getModelVersion).containsExactly("v2");
            assertThat(projection.decided("digits", "v1")).isTrue();
            assertThat(projection.decided("digits", "v2")).isFalse();
            assertThat(registry.get("digits", "v1").orElseThrow().stage()).isEqualTo(Stage.PRODUCTION);
            assertThat(registry.get("digits", "v1").orElseThrow().decision().approved()).isTrue();
            assertThat(registry.get("digits", "v2").orElseThrow().stage()).isEqualTo(Stage.CANDIDATE);
            assertThat(registry.get("digits", "v2").orElseThrow().parentVersion()).isEqualTo("v1");
            // the routing table (Events.deploymentState: v1 stable, v2 canary) decides the aliases
            assertThat(registry.routing("digits").orElseThrow().stableUri()).isEqualTo(Events.MODEL_URI);
            assertThat(registry.champion("digits")).contains("v1");
            assertThat(registry.challenger("digits")).contains("v2");
        } finally {
            projection.stop();
        }
    }

    @Test
    void keepsVersionsAliasesBlocksAndNotesInTheCompactedTopicSoTheyOutliveTheEvents() throws Exception {
        TrainingCompleted v1 = Events.trainingCompleted().setModelName("kept").setModelVersion("v1").build();
        TrainingCompleted v2 = Events.trainingCompleted().setModelName("kept").setModelVersion("v2").build();
        kafka.publish(SluiceTopics.TRAINING, v1.getRunId(), v1);
        kafka.publish(SluiceTopics.TRAINING, v2.getRunId(), v2);
        kafka.publish(SluiceTopics.EVALUATIONS, "kept", Events.modelApproved().setModelName("kept").setModelVersion("v1").build());
        kafka.publish(SluiceTopics.DEPLOYMENTS, "kept", ModelPromoted.newBuilder().setHeader(Events.newHeader()).setModelName("kept")
                .setVersion("v1").setActor("system").setReason("healthy").build());
        command("kept", RegistryAction.SET_ALIAS, "champion", "v1", "known good");
        command("kept", RegistryAction.SET_ALIAS, "stable-2026", "v2", "quarterly");
        command("kept", RegistryAction.BLOCK, null, "v2", "trained on leaked labels");
        command("kept", RegistryAction.SET_ALIAS, "canary-next", "v2", "refused: blocked");
        command("kept", RegistryAction.ANNOTATE, null, "v1", "audited by risk team");

        ModelRegistry live = new ModelRegistry();
        RegistryProjection writer = projection(live, EVENT_TOPICS);
        writer.start();
        try {
            assertThat(writer.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
            kafka.await(SluiceTopics.REGISTRY, RegistryState.class, r -> r.getModelName().equals("kept") && r.getAudit().size() == 5,
                    Duration.ofSeconds(30));
        } finally {
            writer.stop();
        }

        // the source events are gone (retention): only the compacted topic is read
        ModelRegistry restored = new ModelRegistry();
        RegistryProjection fromState = projection(restored, List.of(SluiceTopics.MONITORING));
        fromState.start();
        try {
            assertThat(fromState.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
        } finally {
            fromState.stop();
        }
        assertThat(restored.versions("kept")).extracting(ModelVersion::version).containsExactly("v1", "v2");
        assertThat(restored.get("kept", "v1").orElseThrow().stage()).isEqualTo(Stage.PRODUCTION);
        assertThat(restored.champion("kept")).contains("v1");
        assertThat(restored.aliases("kept")).containsOnlyKeys("champion"); // the block removed stable-2026; canary-next was refused
        assertThat(restored.aliases("kept").get("champion").set().actor()).isEqualTo("writer:ops-1");
        Mark block = restored.blocked("kept", "v2").orElseThrow();
        assertThat(block.reason()).isEqualTo("trained on leaked labels");
        assertThat(block.actor()).isEqualTo("writer:ops-1");
        assertThat(restored.get("kept", "v1").orElseThrow().notes()).extracting(Mark::reason).containsExactly("audited by risk team");
        assertThat(restored.audit("kept")).extracting(RegistryCommand.Audited::applied).containsExactly(true, true, true, false, true);
        assertThat(restored.export("kept")).isEqualTo(live.export("kept"));

        // replaying every event topic over the restored state changes nothing
        ModelRegistry replayed = new ModelRegistry();
        RegistryProjection both = projection(replayed, EVENT_TOPICS);
        both.start();
        try {
            assertThat(both.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
        } finally {
            both.stop();
        }
        assertThat(replayed.export("kept")).isEqualTo(live.export("kept"));
    }

    private static void command(String model, RegistryAction action, String alias, String version, String reason) {
        kafka.publish(SluiceTopics.REGISTRY_COMMANDS, model, RegistryCommandIssued.newBuilder().setHeader(Events.newHeader())
                .setModelName(model).setAction(action).setAlias(alias).setVersion(version).setActor("writer:ops-1").setRole("writer")
                .setReason(reason).build());
    }

    private static RegistryProjection projection(ModelRegistry registry, List<String> topics) {
        return new RegistryProjection(registry, kafka.codec(), KafkaClients.forBootstrap(kafka.bootstrapServers()), topics,
                SluiceTopics.REGISTRY, new EventHeaders("evaluation-service/test", Clock.systemUTC()));
    }
}
