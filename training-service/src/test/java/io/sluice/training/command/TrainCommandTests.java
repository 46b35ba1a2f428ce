package io.sluice.training.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import ai.djl.Device;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.sluice.models.LoadedModel;
import io.sluice.models.ModelPackage;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.storage.gcs.GcsObjectStore;
import io.sluice.training.SyntheticDatasets;
import io.sluice.training.domain.ModelSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTests {

    @TempDir
    Path temp;

    @Test
    void trainsADatasetIntoTheGivenVersionPrefix() throws Exception {
        FileObjectStore store = new FileObjectStore(temp);
        SyntheticDatasets.Written data = SyntheticDatasets.csv(store, store.bucket("raw"), store.bucket("training"), "points", 30, 4);
        URI output = ModelPackage.modelUri(store.bucket("models"), "points", "cmd-1");

        int status = TrainCommand.run(new String[] {"--dataset", data.manifestUri().toString(), "--output", output.toString(),
                "--storage-root", temp.toString(), "--maxEpochs=3", "--learningRate=0.01"});

        assertThat(status).isZero();
        try (LoadedModel model = new ModelPackage(store, temp.resolve("cache")).load(output, Device.cpu())) {
            assertThat(model.card().version()).isEqualTo("cmd-1");
            assertThat(model.card().history()).hasSizeLessThanOrEqualTo(3);
            assertThat(model.card().training()).containsEntry("learningRate", "0.01");
            // what a cloud backend polling the job reports as TrainingProgressed, epoch by epoch
            assertThat(io.sluice.training.CloudProgress.readAfter(store, output, 0)).extracting(e -> e.result().validationAccuracy())
                    .containsExactlyElementsOf(model.card().history().stream().map(m -> m.validationAccuracy()).toList());
            assertThat(io.sluice.training.CloudProgress.readAfter(store, output, 1)).extracting(e -> e.result().epoch())
                    .doesNotContain(1).isNotEmpty();
        }
    }

    @Test
    void reportsTheValidationAccuracyOfEveryEpochToTheHypertuneFileOfAVertexAiTrial() throws Exception {
        FileObjectStore store = new FileObjectStore(temp);
        SyntheticDatasets.Written data = SyntheticDatasets.csv(store, store.bucket("raw"), store.bucket("training"), "points", 30, 4);
        Path metrics = temp.resolve("hypertune/output.metrics");

        int status = TrainCommand.run(new String[] {"--dataset", data.manifestUri().toString(), "--output",
                ModelPackage.modelUri(store.bucket("models"), "points", "trial").toString(), "--storage-root", temp.toString(),
                "--maxEpochs=2", "--patience=5", "--learningRate=0.01"}, Map.of("CLOUD_ML_HP_METRIC_FILE", metrics.toString()), List.of());

        assertThat(status).isZero();
        assertThat(java.nio.file.Files.readAllLines(metrics)).hasSize(2).allMatch(line -> line.contains("\"val_accuracy\": "))
                .satisfies(lines -> assertThat(lines.get(1)).contains("\"global_step\": 2"));
        assertThat(TrainCommand.hypertuneFile(Map.of("CLOUD_ML_TRIAL_ID", "3"))).isEqualTo(Path.of("/tmp/hypertune/output.metrics"));
        assertThat(TrainCommand.hypertuneFile(Map.of())).isNull();
    }

    @Test
    void trainsADatasetInCloudStorageIntoAGsVersionPrefix() throws Exception {
        try (GcsObjectStore gcs = new GcsObjectStore(LocalStorageHelper.getOptions().getService(), Duration.ofSeconds(30), 1)) {
            SyntheticDatasets.Written data = SyntheticDatasets.csv(gcs, URI.create("gs://sluice-raw/"), URI.create("gs://sluice-training/"),
                    "points", 30, 4);
            URI output = ModelPackage.modelUri(URI.create("gs://sluice-models/"), "points", "cmd-gs");

            int status = TrainCommand.run(new String[] {"--dataset", data.manifestUri().toString(), "--output", output.toString(),
                    "--storage-root", temp.toString(), "--maxEpochs=2"}, Map.of(), List.of(gcs));

            assertThat(data.manifestUri().getScheme()).isEqualTo("gs");
            assertThat(status).isZero();
            try (LoadedModel model = new ModelPackage(gcs, temp.resolve("cache")).load(output, Device.cpu())) {
                assertThat(model.card().version()).isEqualTo("cmd-gs");
                assertThat(model.card().dataset().manifestUri()).isEqualTo(data.manifestUri().toString());
            }
        }
    }

    @Test
    void refusesObsUrisUntilTheStoreIsConfiguredWithoutShowingSecrets() {
        String[] args = {"--dataset", "obs://sluice-training/datasets/p/v/manifest.json", "--output", "obs://sluice-models/models/p/v/",
                "--storage-root", temp.toString()};
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.err;
        System.setErr(new java.io.PrintStream(err, true));
        try {
            assertThat(TrainCommand.run(args, Map.of(), null)).isEqualTo(2);
            assertThat(TrainCommand.run(args, Map.of("SLUICE_STORAGE_OBS_ENDPOINT", "http://127.0.0.1:1", "SLUICE_OBS_SECRET_KEY", "s3cr3t"), null))
                    .isEqualTo(2);
        } finally {
            System.setErr(original);
        }
        assertThat(err.toString()).contains("SLUICE_STORAGE_OBS_ENDPOINT").contains("SLUICE_OBS_ACCESS_KEY").doesNotContain("s3cr3t");
    }

    @Test
    void readsBackEverySettingTheCloudBackendsPass() {
        ModelSettings configured = new ModelSettings("cnn", List.of(8, 16), List.of(32), 0.25, "sgd", 0.05, 16, 7, 2, 9, List.of(20, 24),
                "GRAYSCALE", true, true);

        ModelSettings parsed = TrainCommand.settings(new java.util.HashMap<>(configured.trainerArguments()));

        // warm start is the service's business (the command has no production model): always off in the command
        assertThat(parsed).isEqualTo(new ModelSettings("cnn", List.of(8, 16), List.of(32), 0.25, "sgd", 0.05, 16, 7, 2, 9, List.of(20, 24),
                "GRAYSCALE", true, false));
    }

    @Test
    void refusesAnOutputThatIsNotAVersionPrefix() {
        assertThat(TrainCommand.run(new String[] {"--dataset", "file:/x/manifest.json", "--output", "file:/x/somewhere/"})).isEqualTo(2);
        assertThat(TrainCommand.run(new String[] {"--output", "file:/x/models/m/v/"})).isEqualTo(2);
        assertThat(TrainCommand.run(new String[] {"--dataset", "file:/x", "--output", "file:/x/models/m/v/", "--bogus=1"})).isEqualTo(2);
    }

    @Test
    void reportsATrainingFailure() {
        int status = TrainCommand.run(new String[] {"--dataset", temp.toUri() + "training/missing/manifest.json",
                "--output", temp.toUri() + "models/models/m/v/", "--storage-root", temp.toString()});

        assertThat(status).isEqualTo(1);
    }
}
