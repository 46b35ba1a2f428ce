package io.sluice.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.sluice.events.DatasetLayout;
import io.sluice.events.EpochMetrics;
import io.sluice.events.TrainingCompleted;
import io.sluice.events.TrainingProgressed;
import io.sluice.events.TrainingStarted;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.testkit.SluiceKafka;
import io.sluice.training.domain.EpochResult;
import io.sluice.training.domain.RunRecord;
import io.sluice.training.domain.TrainingListener;
import io.sluice.training.domain.TrainingOutcome;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A service killed (SIGKILL, a separate JVM) in the middle of a run resumes it from its checkpoint when
 * it starts again: the epochs continue where they stopped, and the run ends in exactly one TrainingCompleted.
 */
class TrainingRestartIntegrationTests {

    static final int EPOCHS = 6;
    static final int STOPPED_AFTER = 2;

    @RegisterExtension
    static SluiceKafka kafka = new SluiceKafka();

    @Test
    void resumesTheRunOfAKilledServiceAtTheNextEpochAndCompletesItExactlyOnce() throws Exception {
        Path dataDir = Files.createTempDirectory("sluice-test-training-restart");
        FileObjectStore store = new FileObjectStore(dataDir.resolve("buckets"));
        SyntheticDatasets.Written data = SyntheticDatasets.images(store, store.bucket("sluice-local-raw-data"),
                store.bucket("sluice-local-training"), "restart", 30, 8, false, 11);
        String version = data.manifest().version();

        // the first service is its own JVM, held after epoch 2 by the test hook, then killed without any shutdown
        Process first = startProcess(dataDir);
        try {
            kafka.publish(SluiceTopics.DATASETS, "restart", TrainingServiceIntegrationTests.datasetReady(data, DatasetLayout.IMAGE_FOLDER));
            kafka.await(SluiceTopics.TRAINING, TrainingProgressed.class,
                    e -> e.getModelName().equals("restart") && e.getMetrics().getEpoch() == STOPPED_AFTER, Duration.ofSeconds(180));
        } finally {
            first.destroyForcibly(); // SIGKILL
            first.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(completedFor(version)).as("killed before the end").isEmpty();
        int seenBeforeRestart = kafka.events(SluiceTopics.TRAINING).size();

        try (ConfigurableApplicationContext second = start(dataDir)) {
            TrainingCompleted completed = kafka.await(SluiceTopics.TRAINING, TrainingCompleted.class,
                    e -> e.getDatasetVersion().equals(version), Duration.ofSeconds(60));
            assertThat(completed.getHistory()).extracting(EpochMetrics::getEpoch).containsExactly(1, 2, 3, 4, 5, 6);
            // a marker after the completion: the datasets are read in order and the one training worker takes runs in
            // order, so a duplicate run of "restart" (from the announcement read again) would have run before the marker's
            SyntheticDatasets.Written marker = SyntheticDatasets.csv(store, store.bucket("sluice-local-raw-data"),
                    store.bucket("sluice-local-training"), "after-restart", 40, 3);
            kafka.publish(SluiceTopics.DATASETS, "after-restart", TrainingServiceIntegrationTests.datasetReady(marker, DatasetLayout.CSV));
            kafka.await(SluiceTopics.TRAINING, TrainingStarted.class,
                    e -> e.getDatasetVersion().equals(marker.manifest().version()), Duration.ofSeconds(60));
        }

        List<SpecificRecord> events = kafka.events(SluiceTopics.TRAINING);
        assertThat(events.subList(seenBeforeRestart, events.size())).filteredOn(e -> e instanceof TrainingProgressed p
                        && p.getModelName().equals("restart")).extracting(e -> ((TrainingProgressed) e).getMetrics().getEpoch())
                .as("the restarted service continues at epoch 3").containsExactly(3, 4, 5, 6);
        assertThat(completedFor(version)).hasSize(1);
        assertThat(events).filteredOn(e -> e instanceof TrainingStarted s && s.getDatasetVersion().equals(version))
                .as("started once per process").hasSize(2);
        String runId = "restart-" + version.substring(0, 12) + "-1";
        Path state = dataDir.resolve("buckets/sluice-local-staging/training");
        assertThat(Files.readString(state.resolve("runs/" + runId + ".json"))).contains("\"state\" : \"COMPLETED\"");
        assertThat(store.list(store.bucket("sluice-local-staging").resolve("training/checkpoints/" + runId + "/"))).as("checkpoint discarded").isEmpty();
    }

    private static ConfigurableApplicationContext start(Path dataDir) {
        return new SpringApplicationBuilder(TrainingServiceApplication.class).run(arguments(dataDir).toArray(String[]::new));
    }

    /** The service in a JVM of its own (this test's class path), with the hold-after-epoch hook; output goes to a file. */
    private static Process startProcess(Path dataDir) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:TieredStopAtLevel=1", "-Dai.djl.offline=true", "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.sluice.events",
                "-cp", System.getProperty("java.class.path"), TrainingServiceApplication.class.getName()));
        command.addAll(arguments(dataDir));
        command.add("--spring.main.sources=" + HoldAfterEpoch.class.getName());
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dataDir.resolve("first-service.log").toFile()).start();
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

    private static List<SpecificRecord> completedFor(String version) {
        return kafka.events(SluiceTopics.TRAINING).stream()
                .filter(e -> e instanceof TrainingCompleted c && c.getDatasetVersion().equals(version)).toList();
    }

    /** Test hook (in the first JVM): after publishing epoch 2 the run waits, so the kill lands between epochs 2 and 3. */
    @Configuration(proxyBeanMethods = false)
    static class HoldAfterEpoch {

        @Bean
        static BeanPostProcessor holdTrainingAfterEpoch() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String beanName) {
                    return bean instanceof TrainingListener listener ? holding(listener) : bean;
                }
            };
        }

        private static TrainingListener holding(TrainingListener delegate) {
            return new TrainingListener() {
                @Override
                public void started(RunRecord run, String backend, String device, String architecture, Map<String, String> hyperParameters,
                                    String parentVersion) {
                    delegate.started(run, backend, device, architecture, hyperParameters, parentVersion);
                }

                @Override
                public void progressed(RunRecord run, EpochResult result, int maxEpochs, double samplesPerSecond, Double etaSeconds) {
                    delegate.progressed(run, result, maxEpochs, samplesPerSecond, etaSeconds);
                    if (result.epoch() == STOPPED_AFTER) {
                        try {
                            new CountDownLatch(1).await(10, TimeUnit.MINUTES); // until the process is killed
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }

                @Override
                public void completed(RunRecord run, TrainingOutcome outcome, long durationMillis) {
                    delegate.completed(run, outcome, durationMillis);
                }

                @Override
                public void failed(RunRecord run, String kind, String reason, String errorType, boolean retryable, String supersededBy) {
                    delegate.failed(run, kind, reason, errorType, retryable, supersededBy);
                }
            };
        }
    }
}
