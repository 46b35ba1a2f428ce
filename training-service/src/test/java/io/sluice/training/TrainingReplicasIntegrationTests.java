package io.sluice.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.sluice.events.DatasetLayout;
import io.sluice.events.EpochMetrics;
import io.sluice.events.TrainingCompleted;
import io.sluice.events.TrainingProgressed;
import io.sluice.events.TrainingStarted;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.messaging.OwnedPartitions;
import io.sluice.platform.testkit.SluiceKafka;

/**
 * Two training replicas on one set of buckets and a 3-broker embedded KRaft cluster, 3 partitions per
 * topic on every broker: the replica owning the model (its own JVM) is killed with SIGKILL between epochs 2 and 3;
 * the other replica, already running, takes the model's partition over, reads the run from the
 * journal in the object store, resumes it from its checkpoint there at epoch 3, and the run ends in
 * exactly one TrainingCompleted.
 */
class TrainingReplicasIntegrationTests {

    static final int EPOCHS = 6;

    @RegisterExtension
    static SluiceKafka kafka = SluiceKafka.cluster(3); // 3 brokers, 3 partitions, 3 replicas

    @Test
    void theSurvivingReplicaResumesTheRunOfAKilledOwnerFromTheObjectStoreAndCompletesItOnce() throws Exception {
        Path dataDir = Files.createTempDirectory("sluice-test-training-replicas");
        FileObjectStore store = new FileObjectStore(dataDir.resolve("buckets"));
        SyntheticDatasets.Written data = SyntheticDatasets.images(store, store.bucket("sluice-local-raw-data"),
                store.bucket("sluice-local-training"), "handover", 30, 8, false, 13);
        String version = data.manifest().version();
        String runId = "handover-" + version.substring(0, 12) + "-1";

        // the first replica is alone in the group, so it owns the model; it holds its run after epoch 2
        Process first = startProcess(dataDir);
        ConfigurableApplicationContext second = null;
        try {
            kafka.publish(SluiceTopics.DATASETS, "handover", TrainingServiceIntegrationTests.datasetReady(data, DatasetLayout.IMAGE_FOLDER));
            kafka.await(SluiceTopics.TRAINING, TrainingProgressed.class,
                    e -> e.getModelName().equals("handover") && e.getMetrics().getEpoch() == TrainingRestartIntegrationTests.STOPPED_AFTER,
                    Duration.ofSeconds(180));
            assertThat(store.list(store.bucket("sluice-local-staging").resolve("training/checkpoints/" + runId + "/")))
                    .as("checkpoint in the object store").isNotEmpty();

            second = start(dataDir);
            int seenBeforeKill = kafka.events(SluiceTopics.TRAINING).size();
            first.destroyForcibly(); // SIGKILL: no shutdown, no leaving the group; its session times out
            first.waitFor(30, TimeUnit.SECONDS);

            ConfigurableApplicationContext survivor = second;
            TrainingCompleted completed = kafka.await(SluiceTopics.TRAINING, TrainingCompleted.class,
                    e -> e.getDatasetVersion().equals(version), Duration.ofSeconds(180));
            assertThat(completed.getHistory()).extracting(EpochMetrics::getEpoch).containsExactly(1, 2, 3, 4, 5, 6);
            assertThat(survivor.getBean(OwnedPartitions.class).owned()).hasSize(3);
            Path journal = dataDir.resolve("buckets/sluice-local-staging/training/runs/" + runId + ".json");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(journal).contains("\"state\" : \"COMPLETED\""));

            List<SpecificRecord> events = kafka.events(SluiceTopics.TRAINING);
            assertThat(events.subList(seenBeforeKill, events.size())).filteredOn(e -> e instanceof TrainingProgressed p
                            && p.getModelName().equals("handover")).extracting(e -> ((TrainingProgressed) e).getMetrics().getEpoch())
                    .as("the surviving replica continues at epoch 3").containsExactly(3, 4, 5, 6);
            assertThat(events).filteredOn(e -> e instanceof TrainingCompleted c && c.getDatasetVersion().equals(version)).hasSize(1);
            assertThat(events).filteredOn(e -> e instanceof TrainingStarted s && s.getDatasetVersion().equals(version))
                    .as("started once per replica").hasSize(2);
            assertThat(store.list(store.bucket("sluice-local-staging").resolve("training/checkpoints/" + runId + "/")))
                    .as("checkpoint discarded").isEmpty();
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.close();
            }
        }
    }

    private static ConfigurableApplicationContext start(Path dataDir) {
        return new SpringApplicationBuilder(TrainingServiceApplication.class).run(arguments(dataDir).toArray(String[]::new));
    }

    /** The owner in a JVM of its own (this test's class path), with the restart test's hold-after-epoch hook. */
    private static Process startProcess(Path dataDir) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:TieredStopAtLevel=1", "-Dai.djl.offline=true", "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.sluice.events",
                "-cp", System.getProperty("java.class.path"), TrainingServiceApplication.class.getName()));
        command.addAll(arguments(dataDir));
        command.add("--spring.main.sources=" + TrainingRestartIntegrationTests.HoldAfterEpoch.class.getName());
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dataDir.resolve("first-replica.log").toFile()).start();
    }

    private static List<String> arguments(Path dataDir) {
        return List.of(
                "--server.port=0",
                "--sluice.data-dir=" + dataDir,
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--spring.cloud.stream.kafka.binder.brokers=" + kafka.bootstrapServers(),
                "--sluice.training.defaults.max-epochs=" + EPOCHS,
                "--sluice.training.defaults.patience=" + EPOCHS,
                "--sluice.training.defaults.learning-rate=0.01",
                "--sluice.training.defaults.filters=8,16",
                "--sluice.training.defaults.hidden=32");
    }
}
