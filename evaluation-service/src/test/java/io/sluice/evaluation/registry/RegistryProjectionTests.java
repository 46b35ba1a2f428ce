package io.sluice.evaluation.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.sluice.evaluation.domain.ModelRegistry;
import io.sluice.evaluation.domain.Stage;
import io.sluice.events.Events;
import io.sluice.events.ModelPromoted;
import io.sluice.events.TrainingCompleted;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.kafka.KafkaClients;
import io.sluice.platform.testkit.SluiceKafka;

/** The registry replay on a real broker: rebuilds state from the topics and knows the versions still awaiting a decision. */
class RegistryProjectionTests {

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
        RegistryProjection projection = new RegistryProjection(registry, kafka.codec(), KafkaClients.forBootstrap(kafka.bootstrapServers()),
                List.of(SluiceTopics.TRAINING, SluiceTopics.EVALUATIONS, SluiceTopics.DEPLOYMENTS, SluiceTopics.DEPLOYMENT_STATE));
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
}
