package io.sluice.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;

import io.sluice.events.DatasetReady;
import io.sluice.events.EpochMetrics;
import io.sluice.events.ModelApproved;
import io.sluice.events.ModelRejected;
import io.sluice.events.TrainingCompleted;
import io.sluice.events.TrainingFailed;
import io.sluice.events.TrainingProgressed;
import io.sluice.local.demo.SyntheticImages;
import io.sluice.platform.events.SluiceTopics;

/**
 * A slice of the pipeline across real containers: the sluice/kafka broker, ingest, training and evaluation
 * from their images, a dataset written into the local raw bucket they share. Training is killed (SIGKILL,
 * as {@code docker kill}) after its first epoch; a replacement container resumes the run from its checkpoint
 * and the decision comes out on the broker.
 */
@ExtendWith(DockerEngine.class)
class PipelineContainerTests {

    private static final String DATASET = "shapes";
    private static final Duration STEP = Duration.ofMinutes(5);

    @TempDir
    Path dataDir;

    private final List<GenericContainer<?>> containers = new ArrayList<>();
    private Network network;

    @Test
    void resumesTrainingInAReplacementContainerAndPublishesTheDecision() throws Exception {
        DockerEngine.requireImages(List.of(Images.KAFKA, Images.service("ingest-service"), Images.service("training-service"),
                Images.service("evaluation-service")));
        long started = System.nanoTime();
        shareDataDir();
        network = Network.newNetwork();
        KafkaBroker kafka = start(new KafkaBroker(network));
        Map<String, String> topics = kafka.createTopics(ManifestTests.REPOSITORY.resolve("deploy/k8s/create-topics.sh"));
        for (SluiceTopics.Topic topic : SluiceTopics.ALL) {
            assertThat(topics).as("made by the topic Job's script").containsEntry(topic.name(), topic.compacted() ? "compact" : "delete")
                    .containsEntry(topic.deadLetter(), "delete");
        }
        System.out.printf("topics created after %.1f s%n", seconds(started));
        try (EventLog log = new EventLog(kafka.hostBootstrap(), SluiceTopics.eventTopics())) {
            log.awaitAssigned(Duration.ofMinutes(1));
            start(new ServiceContainer("ingest-service", network, dataDir));
            ServiceContainer training = start(training());
            start(new ServiceContainer("evaluation-service", network, dataDir));
            System.out.printf("containers ready after %.1f s%n", seconds(started));

            upload(40);
            DatasetReady ready = log.await(0, DatasetReady.class, d -> d.getDatasetName().equals(DATASET), STEP);
            assertThat(ready.getClassNames()).containsExactlyElementsOf(SyntheticImages.CLASSES);

            TrainingProgressed first = log.await(0, TrainingProgressed.class, p -> p.getModelName().equals(DATASET), STEP);
            String runId = first.getRunId();
            DockerClientFactory.instance().client().killContainerCmd(training.getContainerId()).withSignal("KILL").exec();
            int killedAt = log.size();
            int lastEpochBeforeKill = log.since(0, TrainingProgressed.class, p -> p.getRunId().equals(runId)).stream()
                    .mapToInt(p -> p.getMetrics().getEpoch()).max().orElseThrow();
            assertThat(log.since(0, TrainingCompleted.class, c -> c.getRunId().equals(runId)))
                    .as("the run was still going when its container was killed").isEmpty();
            System.out.printf("training killed at epoch %d of %d after %.1f s%n", lastEpochBeforeKill, first.getTotalEpochs(), seconds(started));

            start(training());
            TrainingCompleted completed = log.await(killedAt, TrainingCompleted.class, c -> c.getRunId().equals(runId), STEP);
            List<Integer> resumedEpochs = log.since(killedAt, TrainingProgressed.class, p -> p.getRunId().equals(runId)).stream()
                    .map(p -> p.getMetrics().getEpoch()).toList();
            assertThat(resumedEpochs).as("the replacement continues after the checkpointed epoch instead of starting over")
                    .isNotEmpty().allSatisfy(epoch -> assertThat(epoch).isGreaterThan(lastEpochBeforeKill));
            assertThat(completed.getHistory()).extracting(EpochMetrics::getEpoch)
                    .as("the history covers the epochs of both containers")
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, completed.getHistory().size()).boxed().toList());
            assertThat(log.since(0, TrainingFailed.class, f -> f.getRunId().equals(runId))).isEmpty();

            SpecificRecord decision = log.await(killedAt, SpecificRecord.class, e -> runId.equals(decisionRunId(e)), STEP);
            assertThat(log.since(0, TrainingCompleted.class, c -> c.getRunId().equals(runId))).as("one outcome per run").hasSize(1);
            System.out.printf("%s for %s after %.1f s%n", decision.getClass().getSimpleName(), completed.getModelVersion(), seconds(started));
        }
    }

    private ServiceContainer training() {
        // a run long enough to be killed in the middle: the 16x16 images scaled to 48x48, 10 epochs, no early stop
        return new ServiceContainer("training-service", network, dataDir)
                .withEnv("SLUICE_TRAINING_DEFAULTS_MAX_EPOCHS", "10")
                .withEnv("SLUICE_TRAINING_DEFAULTS_PATIENCE", "10")
                .withEnv("SLUICE_TRAINING_DEFAULTS_LEARNING_RATE", "0.005")
                .withEnv("SLUICE_TRAINING_DEFAULTS_IMAGE_SIZE", "48,48");
    }

    private static String decisionRunId(SpecificRecord event) {
        if (event instanceof ModelApproved approved) {
            return approved.getRunId();
        }
        return event instanceof ModelRejected rejected ? rejected.getRunId() : null;
    }

    /**
     * The demo's images (3 classes) copied into the raw bucket as {@code cp} would (readable by the services' user),
     * the completion marker last.
     */
    private void upload(int perClass) throws IOException {
        Path dataset = dataDir.resolve("buckets/" + SyntheticImages.RAW_BUCKET + "/datasets/" + DATASET);
        Random random = new Random(7);
        for (String label : SyntheticImages.CLASSES) {
            Files.createDirectories(dataset.resolve(label));
        }
        for (int i = 0; i < perClass; i++) {
            for (String label : SyntheticImages.CLASSES) {
                Files.write(dataset.resolve(label).resolve(label + "-" + i + ".png"), SyntheticImages.png(label, random, 0));
            }
        }
        Files.write(dataset.resolve(SyntheticImages.MARKER), new byte[0]);
    }

    /** The services run as uid 10001 unless the test user is not root: the shared folders must be theirs to write. */
    private void shareDataDir() throws IOException {
        for (String folder : List.of("", "buckets", "buckets/sluice-local-raw-data", "buckets/sluice-local-training",
                "buckets/sluice-local-models", "buckets/sluice-local-staging", "djl")) {
            Path path = Files.createDirectories(dataDir.resolve(folder));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxrwxrwx"));
        }
    }

    private <C extends GenericContainer<?>> C start(C container) {
        containers.add(container);
        container.start();
        return container;
    }

    @AfterEach
    void stopContainers() throws IOException {
        Path logs = Files.createDirectories(Path.of("target", "container-logs"));
        for (GenericContainer<?> container : containers) {
            try {
                Files.writeString(logs.resolve(container.getDockerImageName().replaceAll("[^a-z0-9.-]", "_") + "-"
                        + container.getContainerId().substring(0, 12) + ".log"), container.getLogs());
            } catch (RuntimeException gone) {
                // a container that never started has no logs
            }
            container.stop();
        }
        if (network != null) {
            network.close();
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
