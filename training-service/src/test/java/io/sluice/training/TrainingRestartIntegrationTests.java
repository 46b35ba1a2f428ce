package io.sluice.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.sluice.events.DatasetLayout;
import io.sluice.events.TrainingCompleted;
import io.sluice.events.TrainingProgressed;
import io.sluice.events.TrainingStarted;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.testkit.SluiceKafka;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** A service stopped in the middle of a run redoes it when it starts again: exactly one TrainingCompleted. */
class TrainingRestartIntegrationTests {

    @RegisterExtension
    static SluiceKafka kafka = new SluiceKafka();

    @Test
    void finishesARunInterruptedByAStopExactlyOnceAfterTheRestart() throws Exception {
        Path dataDir = Files.createTempDirectory("sluice-test-training-restart");
        FileObjectStore store = new FileObjectStore(dataDir.resolve("buckets"));
        SyntheticDatasets.Written data = SyntheticDatasets.images(store, store.bucket("sluice-local-raw-data"),
                store.bucket("sluice-local-training"), "restart", 30, 8, false, 11);
        String version = data.manifest().version();

        // long enough that the stop lands mid-run: many epochs, no early stopping
        try (ConfigurableApplicationContext first = start(dataDir, 400)) {
            kafka.publish(SluiceTopics.DATASETS, "restart", TrainingServiceIntegrationTests.datasetReady(data, DatasetLayout.IMAGE_FOLDER));
            kafka.await(SluiceTopics.TRAINING, TrainingProgressed.class, e -> e.getModelName().equals("restart"), Duration.ofSeconds(60));
        }
        assertThat(completedFor(version)).as("stopped before the end").isEmpty();

        try (ConfigurableApplicationContext second = start(dataDir, 3)) {
            TrainingCompleted completed = kafka.await(SluiceTopics.TRAINING, TrainingCompleted.class,
                    e -> e.getDatasetVersion().equals(version), Duration.ofSeconds(60));
            assertThat(completed.getHistory()).hasSizeLessThanOrEqualTo(3);
            Thread.sleep(2000); // a duplicate would have been published by now
        }

        assertThat(completedFor(version)).hasSize(1);
        assertThat(kafka.events(SluiceTopics.TRAINING)).filteredOn(e -> e instanceof TrainingStarted s && s.getDatasetVersion().equals(version))
                .as("started once per process").hasSize(2);
        assertThat(Files.readString(dataDir.resolve("training/runs/restart-" + version.substring(0, 12) + "-1.json")))
                .contains("\"state\" : \"COMPLETED\"");
    }

    private static ConfigurableApplicationContext start(Path dataDir, int maxEpochs) {
        return new SpringApplicationBuilder(TrainingServiceApplication.class).run(
                "--server.port=0",
                "--sluice.data-dir=" + dataDir,
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--spring.cloud.stream.kafka.binder.brokers=" + kafka.bootstrapServers(),
                "--sluice.training.defaults.max-epochs=" + maxEpochs,
                "--sluice.training.defaults.patience=" + maxEpochs,
                "--sluice.training.defaults.learning-rate=0.01",
                "--sluice.training.defaults.filters=8,16",
                "--sluice.training.defaults.hidden=32");
    }

    private static List<SpecificRecord> completedFor(String version) {
        return kafka.events(SluiceTopics.TRAINING).stream()
                .filter(e -> e instanceof TrainingCompleted c && c.getDatasetVersion().equals(version)).toList();
    }

}
