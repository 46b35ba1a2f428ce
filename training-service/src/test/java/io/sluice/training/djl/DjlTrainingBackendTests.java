package io.sluice.training.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import ai.djl.Device;
import io.sluice.models.DatasetSamples;
import io.sluice.models.LoadedModel;
import io.sluice.models.ModelPackage;
import io.sluice.models.Prediction;
import io.sluice.platform.datasets.Split;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.training.SyntheticDatasets;
import io.sluice.training.domain.EpochResult;
import io.sluice.training.domain.ModelSettings;
import io.sluice.training.domain.ProductionModels;
import io.sluice.training.domain.RunStoppedException;
import io.sluice.training.domain.TrainingFailure;
import io.sluice.training.domain.TrainingJob;
import io.sluice.training.domain.TrainingMonitor;
import io.sluice.training.domain.TrainingOutcome;
import io.sluice.training.domain.TrainingRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DjlTrainingBackendTests {

    @TempDir
    Path temp;

    FileObjectStore store;
    URI raw;
    URI training;
    URI modelsBucket;
    ModelPackage models;
    DjlTrainingBackend backend;
    RecordingMonitor monitor = new RecordingMonitor();

    @BeforeEach
    void setUp() {
        store = new FileObjectStore(temp.resolve("buckets"));
        raw = store.bucket("raw");
        training = store.bucket("training");
        modelsBucket = store.bucket("models");
        models = new ModelPackage(store, temp.resolve("cache"));
        backend = new DjlTrainingBackend(store, models, modelsBucket, Clock.systemUTC(), null, io.sluice.models.Devices.resolve("cpu"));
    }

    static ModelSettings settings(int epochs) {
        return new ModelSettings(null, List.of(8, 16), List.of(32), 0.0, "adam", 0.01, 16, epochs, 3, 42, List.of(), null, false, true);
    }

    private TrainingJob job(SyntheticDatasets.Written data, String version, ModelSettings settings,
                            Optional<ProductionModels.ProductionModel> production) {
        TrainingRequest request = new TrainingRequest(data.manifest().name(), data.manifest().name(), data.manifest().version(),
                data.manifestUri().toString(), "DATASET_READY", "corr", "event-1");
        return new TrainingJob("run-" + version, request, version, settings, production, null);
    }

    @Test
    void learnsSeparableImagesToHighValidationAccuracyAndWritesALoadableModel() throws Exception {
        SyntheticDatasets.Written data = SyntheticDatasets.images(store, raw, training, "shapes", 40, 8, false, 1);

        TrainingOutcome outcome = backend.train(job(data, "v1", settings(8), Optional.empty()), monitor);

        assertThat(outcome.best().validationAccuracy()).isGreaterThanOrEqualTo(0.9);
        assertThat(monitor.epochs).hasSize(outcome.history().size());
        assertThat(monitor.started).containsEntry("device", "cpu()").containsEntry("architecture", "cnn");
        try (LoadedModel loaded = models.load(URI.create(outcome.modelUri()), Device.cpu())) {
            assertThat(loaded.card().bestEpoch()).isEqualTo(outcome.bestEpoch());
            assertThat(loaded.card().history()).hasSize(outcome.history().size());
            assertThat(loaded.card().trainingData().classCounts().values().stream().mapToLong(Long::longValue).sum())
                    .isEqualTo(data.manifest().split(Split.TRAIN).count());
            // the loaded model scores the validation split as well as training reported for the kept epoch
            DatasetSamples validation = DatasetSamples.load(store, data.manifest(), Split.VALIDATION, loaded.card().input());
            List<float[]> inputs = validation.normalised(loaded.card());
            int correct = 0;
            for (int i = 0; i < inputs.size(); i++) {
                Prediction prediction = loaded.predict(inputs.get(i));
                correct += prediction.classIndex() == validation.labels()[i] ? 1 : 0;
            }
            assertThat((double) correct / inputs.size()).isCloseTo(outcome.best().validationAccuracy(), org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    @Test
    void cannotLearnImagesWhoseLabelsWereShuffled() throws Exception {
        SyntheticDatasets.Written data = SyntheticDatasets.images(store, raw, training, "noise", 40, 8, true, 1);

        TrainingOutcome outcome = backend.train(job(data, "v1", settings(8), Optional.empty()), monitor);

        assertThat(outcome.best().validationAccuracy()).isLessThan(0.65);
        assertThat(outcome.history().get(outcome.history().size() - 1).trainAccuracy())
                .as("the network can still fit its training set a little").isGreaterThan(0.3);
    }

    @Test
    void learnsCsvFeaturesOfVeryDifferentScalesWithTrainSplitStandardisation() throws Exception {
        SyntheticDatasets.Written data = SyntheticDatasets.csv(store, raw, training, "points", 60, 3);

        TrainingOutcome outcome = backend.train(job(data, "v1", settings(10), Optional.empty()), monitor);

        assertThat(outcome.architecture()).isEqualTo("mlp");
        assertThat(outcome.best().validationAccuracy()).isGreaterThanOrEqualTo(0.9);
        try (LoadedModel loaded = models.load(URI.create(outcome.modelUri()), Device.cpu())) {
            assertThat(loaded.card().normalisation().mean().get(0)).isBetween(900.0, 1100.0);
            assertThat(loaded.predict(io.sluice.models.Inputs.csv(Map.of("x", "1300", "y", "1"), loaded.card())).label()).isEqualTo("right");
            assertThat(loaded.predict(io.sluice.models.Inputs.csv(Map.of("x", "700", "y", "-1"), loaded.card())).label()).isEqualTo("left");
        }
    }

    @Test
    void warmStartsFromTheProductionModelWhenTheArchitectureMatches() throws Exception {
        SyntheticDatasets.Written data = SyntheticDatasets.csv(store, raw, training, "points", 60, 3);
        TrainingOutcome parent = backend.train(job(data, "v1", settings(3), Optional.empty()), monitor);

        TrainingOutcome child = backend.train(job(data, "v2", settings(1),
                Optional.of(new ProductionModels.ProductionModel("v1", parent.modelUri()))), monitor);

        assertThat(child.parentVersion()).isEqualTo("v1");
        assertThat(child.history().get(0).validationAccuracy()).isGreaterThanOrEqualTo(parent.best().validationAccuracy() - 0.05);
    }

    @Test
    void trainsFromScratchWhenTheProductionArchitectureDiffers() throws Exception {
        SyntheticDatasets.Written data = SyntheticDatasets.csv(store, raw, training, "points", 30, 3);
        TrainingOutcome parent = backend.train(job(data, "v1", settings(1), Optional.empty()), monitor);
        ModelSettings wider = new ModelSettings(null, List.of(), List.of(48), 0.0, "adam", 0.01, 16, 1, 3, 42, List.of(), null, false, true);

        TrainingOutcome child = backend.train(job(data, "v2", wider, Optional.of(new ProductionModels.ProductionModel("v1", parent.modelUri()))),
                monitor);

        assertThat(child.parentVersion()).isNull();
    }

    @Test
    void stopsWhenAskedBetweenBatches() throws Exception {
        SyntheticDatasets.Written data = SyntheticDatasets.images(store, raw, training, "shapes", 20, 8, false, 1);
        monitor.stopAfterEpochs = 1;

        assertThatThrownBy(() -> backend.train(job(data, "v1", settings(5), Optional.empty()), monitor))
                .isInstanceOf(RunStoppedException.class);
        assertThat(monitor.epochs).hasSize(1);
    }

    @Test
    void failsWithAnActionableReasonWhenTheManifestIsGone() {
        SyntheticDatasets.Written missing = new SyntheticDatasets.Written(
                new io.sluice.platform.datasets.DatasetManifest("gone", "ab", "CSV", raw.toString(), List.of("a", "b"), List.of(1),
                        List.of("x"), "label", List.of()), io.sluice.platform.storage.ObjectKeys.resolve(training, "datasets/gone/ab/manifest.json"));

        assertThatThrownBy(() -> backend.train(job(missing, "v1", settings(1), Optional.empty()), monitor))
                .isInstanceOf(TrainingFailure.class).hasMessageContaining("does not exist");
    }

    @Test
    void refusesAConvolutionalNetworkForCsvDataSayingWhichSettingToChange() throws Exception {
        SyntheticDatasets.Written data = SyntheticDatasets.csv(store, raw, training, "points", 10, 3);
        ModelSettings cnn = new ModelSettings("cnn", List.of(8), List.of(), 0.0, "adam", 0.01, 16, 1, 3, 42, List.of(), null, false, true);

        assertThatThrownBy(() -> backend.train(job(data, "v1", cnn, Optional.empty()), monitor))
                .isInstanceOf(TrainingFailure.class).hasMessageContaining("sluice.training.models.points.architecture=mlp");
    }

    @Test
    void reproducesARunExactlyWithTheSameSeedOnCpu() throws Exception {
        SyntheticDatasets.Written data = SyntheticDatasets.images(store, raw, training, "shapes", 20, 8, true, 1);
        ModelSettings augmented = new ModelSettings(null, List.of(8), List.of(16), 0.2, "adam", 0.01, 16, 3, 3, 7, List.of(), null, true, true);

        TrainingOutcome once = backend.train(job(data, "v1", augmented, Optional.empty()), monitor);
        TrainingOutcome again = backend.train(job(data, "v2", augmented, Optional.empty()), new RecordingMonitor());
        TrainingOutcome otherSeed = backend.train(job(data, "v3", new ModelSettings(null, List.of(8), List.of(16), 0.2, "adam", 0.01, 16, 3, 3,
                8, List.of(), null, true, true), Optional.empty()), new RecordingMonitor());

        assertThat(again.history()).as("same seed, same data: identical metrics").isEqualTo(once.history());
        assertThat(otherSeed.history()).isNotEqualTo(once.history());
    }

    static ModelSettings noEarlyStop(int epochs, double learningRate) {
        return new ModelSettings(null, List.of(8, 16), List.of(32), 0.0, "adam", learningRate, 16, epochs, epochs, 42, List.of(), null, false,
                true);
    }

    @Test
    void resumesAnInterruptedRunAtTheEpochAfterItsLastCheckpoint() throws Exception {
        DjlTrainingBackend resuming = new DjlTrainingBackend(store, models, modelsBucket, Clock.systemUTC(), store.bucket("staging").resolve("checkpoints/"));
        SyntheticDatasets.Written data = SyntheticDatasets.images(store, raw, training, "shapes", 40, 8, false, 1);
        TrainingJob job = job(data, "v1", noEarlyStop(5, 0.01), Optional.empty());
        monitor.crashAfterEpochs = 2;
        assertThatThrownBy(() -> resuming.train(job, monitor)).hasMessageContaining("simulated crash");

        RecordingMonitor afterRestart = new RecordingMonitor();
        TrainingOutcome outcome = resuming.train(job, afterRestart);

        assertThat(afterRestart.epochs).extracting(EpochResult::epoch).containsExactly(3, 4, 5);
        assertThat(outcome.history()).extracting(EpochResult::epoch).containsExactly(1, 2, 3, 4, 5);
        assertThat(outcome.history().subList(0, 2)).isEqualTo(monitor.epochs);
        // epoch 3 continued from the checkpointed parameters, not from a freshly initialised network
        assertThat(afterRestart.epochs.get(0).trainLoss()).isLessThan(monitor.epochs.get(0).trainLoss());
        assertThat(outcome.best().validationAccuracy()).isGreaterThanOrEqualTo(0.9);
        try (LoadedModel loaded = models.load(URI.create(outcome.modelUri()), Device.cpu())) {
            assertThat(loaded.card().history()).hasSize(5);
        }
        assertThat(temp.resolve("buckets/staging/checkpoints/run-v1/checkpoint.json")).exists();
        resuming.discard("run-v1");
        assertThat(store.list(store.bucket("staging").resolve("checkpoints/run-v1/"))).isEmpty();
    }

    @Test
    void writesTheBestCheckpointedEpochWhenTheRunWasInterruptedAfterItsLastEpoch() throws Exception {
        DjlTrainingBackend resuming = new DjlTrainingBackend(store, models, modelsBucket, Clock.systemUTC(), store.bucket("staging").resolve("checkpoints/"));
        SyntheticDatasets.Written data = SyntheticDatasets.csv(store, raw, training, "points", 60, 3);
        TrainingJob job = job(data, "v1", noEarlyStop(3, 0.01), Optional.empty());
        monitor.crashAfterEpochs = 3;
        assertThatThrownBy(() -> resuming.train(job, monitor)).hasMessageContaining("simulated crash");

        RecordingMonitor afterRestart = new RecordingMonitor();
        TrainingOutcome outcome = resuming.train(job, afterRestart);

        assertThat(afterRestart.epochs).as("nothing left to train").isEmpty();
        assertThat(outcome.history()).isEqualTo(monitor.epochs);
        try (LoadedModel loaded = models.load(URI.create(outcome.modelUri()), Device.cpu())) {
            DatasetSamples validation = DatasetSamples.load(store, data.manifest(), Split.VALIDATION, loaded.card().input());
            List<float[]> inputs = validation.normalised(loaded.card());
            int correct = 0;
            for (int i = 0; i < inputs.size(); i++) {
                correct += loaded.predict(inputs.get(i)).classIndex() == validation.labels()[i] ? 1 : 0;
            }
            assertThat((double) correct / inputs.size()).as("the best epoch's parameters came back from the checkpoint")
                    .isCloseTo(outcome.best().validationAccuracy(), org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    @Test
    void keepsTheEarlyStoppingCountAcrossARestart() throws Exception {
        DjlTrainingBackend resuming = new DjlTrainingBackend(store, models, modelsBucket, Clock.systemUTC(), store.bucket("staging").resolve("checkpoints/"));
        SyntheticDatasets.Written data = SyntheticDatasets.csv(store, raw, training, "points", 60, 3);
        ModelSettings patience3 = new ModelSettings(null, List.of(8, 16), List.of(32), 0.0, "adam", 0.01, 16, 8, 3, 42, List.of(), null, false,
                true);
        monitor.crashAfterEpochs = 2;
        assertThatThrownBy(() -> resuming.train(job(data, "v1", patience3, Optional.empty()), monitor)).hasMessageContaining("simulated crash");
        // as if epochs 2..4 had not improved and epoch 4's checkpoint had just been written: the run is due to stop early
        Path stateFile = temp.resolve("buckets/staging/checkpoints/run-v1/checkpoint.json");
        tools.jackson.databind.ObjectMapper json = tools.jackson.databind.json.JsonMapper.builder().build();
        tools.jackson.databind.node.ObjectNode state = (tools.jackson.databind.node.ObjectNode) json.readTree(stateFile.toFile());
        assertThat(state.get("epoch").asInt()).isEqualTo(2);
        assertThat(state.get("history")).hasSize(2);
        state.put("sinceBest", 3);
        java.nio.file.Files.write(stateFile, json.writeValueAsBytes(state));

        RecordingMonitor afterRestart = new RecordingMonitor();
        TrainingOutcome outcome = resuming.train(job(data, "v1", patience3, Optional.empty()), afterRestart);

        assertThat(afterRestart.epochs).as("patience already used up").isEmpty();
        assertThat(outcome.history()).hasSize(2);
    }

    @Test
    void startsAgainFromTheFirstEpochWhenTheCheckpointWasMadeWithOtherSettings() throws Exception {
        DjlTrainingBackend resuming = new DjlTrainingBackend(store, models, modelsBucket, Clock.systemUTC(), store.bucket("staging").resolve("checkpoints/"));
        SyntheticDatasets.Written data = SyntheticDatasets.csv(store, raw, training, "points", 60, 3);
        monitor.crashAfterEpochs = 1;
        assertThatThrownBy(() -> resuming.train(job(data, "v1", noEarlyStop(3, 0.01), Optional.empty()), monitor))
                .hasMessageContaining("simulated crash");

        RecordingMonitor afterRestart = new RecordingMonitor();
        resuming.train(job(data, "v1", noEarlyStop(3, 0.02), Optional.empty()), afterRestart);

        assertThat(afterRestart.epochs).extracting(EpochResult::epoch).containsExactly(1, 2, 3);
    }

    /** Records what the backend reports; can ask it to stop, or crash, after some epochs. */
    static final class RecordingMonitor implements TrainingMonitor {
        final Map<String, String> started = new java.util.HashMap<>();
        final List<EpochResult> epochs = new ArrayList<>();
        int stopAfterEpochs = Integer.MAX_VALUE;
        int crashAfterEpochs = Integer.MAX_VALUE;

        @Override
        public void started(String backend, String device, String architecture, Map<String, String> hyperParameters, String parentVersion) {
            started.put("device", device);
            started.put("architecture", architecture);
        }

        @Override
        public void epoch(EpochResult result, int maxEpochs, double samplesPerSecond, Double etaSeconds) {
            assertThat(samplesPerSecond).isPositive();
            epochs.add(result);
            if (epochs.size() >= crashAfterEpochs) {
                throw new IllegalStateException("simulated crash after epoch " + result.epoch());
            }
        }

        @Override
        public boolean stopRequested() {
            return epochs.size() >= stopAfterEpochs;
        }
    }
}
