package io.sluice.training.vertex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import com.google.cloud.aiplatform.v1.CustomJob;
import com.google.cloud.aiplatform.v1.JobServiceClient;
import com.google.cloud.aiplatform.v1.JobState;
import com.google.cloud.aiplatform.v1.Scheduling;
import com.google.cloud.aiplatform.v1.WorkerPoolSpec;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.sluice.models.ModelCard;
import io.sluice.models.ModelPackage;
import io.sluice.models.Networks;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.training.domain.EpochResult;
import io.sluice.training.domain.ModelSettings;
import io.sluice.training.domain.RunStoppedException;
import io.sluice.training.domain.TrainingFailure;
import io.sluice.training.domain.TrainingJob;
import io.sluice.training.domain.TrainingMonitor;
import io.sluice.training.domain.TrainingOutcome;
import io.sluice.training.domain.TrainingRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VertexAiTrainingBackendTests {

    @TempDir
    Path temp;

    FakeJobService vertex;
    JobServiceClient client;
    FileObjectStore store;
    URI modelsBucket;
    ModelPackage models;
    final StubMonitor monitor = new StubMonitor();

    @BeforeEach
    void setUp() throws Exception {
        vertex = new FakeJobService();
        client = vertex.client();
        store = new FileObjectStore(temp.resolve("buckets"));
        modelsBucket = store.bucket("models");
        models = new ModelPackage(store, temp.resolve("cache"));
        // stands in for the job's container: writes the model version to its --output
        vertex.onSucceeded = job -> {
            List<String> args = job.getJobSpec().getWorkerPoolSpecs(0).getContainerSpec().getArgsList();
            writeModel(URI.create(args.get(args.indexOf("--output") + 1)));
        };
    }

    @AfterEach
    void tearDown() {
        client.close();
        vertex.close();
    }

    VertexAiTrainingBackend backend(Duration timeout) {
        return new VertexAiTrainingBackend(client, new VertexAiTrainingBackend.Settings("sluice-prod", "europe-west4",
                "europe-docker.pkg.dev/sluice/trainer:1", "n1-standard-8", "NVIDIA_TESLA_T4", 1, true, true, timeout, Duration.ofMillis(10),
                "gs://sluice-prod-staging/vertex/"),
                models, modelsBucket, Retry.of("test", VertexAiTrainingBackend.retryConfig(3, Duration.ofMillis(5))),
                CircuitBreaker.ofDefaults("test"), Clock.systemUTC());
    }

    static TrainingJob job(String externalJobId) {
        TrainingRequest request = new TrainingRequest("digits", "digits", "abc", "gs://training/datasets/digits/abc/manifest.json",
                "DATASET_READY", "digits@abc", "event-1");
        ModelSettings settings = new ModelSettings(null, List.of(), List.of(), 0, "adam", 0.001, 32, 10, 3, 42, List.of(), null, false, true);
        return new TrainingJob("digits-abc-1", request, "v1", settings, Optional.empty(), externalJobId);
    }

    @Test
    void submitsACustomJobWithTheSeedOptionsAndReportsTheModelItWrote() throws Exception {
        TrainingOutcome outcome = backend(Duration.ofHours(2)).train(job(null), monitor);

        CustomJob submitted = vertex.jobs.values().iterator().next();
        WorkerPoolSpec pool = submitted.getJobSpec().getWorkerPoolSpecs(0);
        assertThat(vertex.calls.get(0)).isEqualTo("create projects/sluice-prod/locations/europe-west4");
        assertThat(submitted.getDisplayName()).isEqualTo("digits-abc-1");
        assertThat(pool.getContainerSpec().getImageUri()).isEqualTo("europe-docker.pkg.dev/sluice/trainer:1");
        assertThat(pool.getContainerSpec().getArgsList()).startsWith("train", "--dataset", "gs://training/datasets/digits/abc/manifest.json",
                "--output", outcome.modelUri());
        assertThat(pool.getMachineSpec().getMachineType()).isEqualTo("n1-standard-8");
        assertThat(pool.getMachineSpec().getAcceleratorType().name()).isEqualTo("NVIDIA_TESLA_T4");
        assertThat(submitted.getJobSpec().getScheduling().getStrategy()).isEqualTo(Scheduling.Strategy.SPOT);
        assertThat(submitted.getJobSpec().getScheduling().getRestartJobOnWorkerRestart()).isTrue();
        assertThat(submitted.getJobSpec().getScheduling().getTimeout().getSeconds()).isEqualTo(7200);
        assertThat(submitted.getJobSpec().getBaseOutputDirectory().getOutputUriPrefix())
                .isEqualTo("gs://sluice-prod-staging/vertex/digits-abc-1/");
        assertThat(monitor.submitted).isEqualTo(submitted.getName());
        assertThat(outcome.backend()).isEqualTo("vertex-ai");
        assertThat(outcome.history()).extracting(EpochResult::validationAccuracy).containsExactly(0.5, 0.9);
        assertThat(outcome.bestEpoch()).isEqualTo(2);
    }

    @Test
    void retriesWhenTheServiceIsBrieflyUnavailable() throws Exception {
        vertex.unavailable.set(2);

        TrainingOutcome outcome = backend(Duration.ofHours(1)).train(job(null), monitor);

        assertThat(outcome.modelVersion()).isEqualTo("v1");
        assertThat(vertex.jobs).hasSize(1);
    }

    @Test
    void reportsAFailedJobWithItsError() {
        vertex.states = List.of(JobState.JOB_STATE_RUNNING, JobState.JOB_STATE_FAILED);
        vertex.error = "replica workerpool0-0 exited with a non-zero status of 137";

        assertThatThrownBy(() -> backend(Duration.ofHours(1)).train(job(null), monitor))
                .isInstanceOf(TrainingFailure.class).hasMessageContaining("non-zero status of 137");
    }

    @Test
    void cancelsAJobThatRunsPastItsTimeout() {
        vertex.states = List.of(JobState.JOB_STATE_RUNNING);

        assertThatThrownBy(() -> backend(Duration.ofMillis(50)).train(job(null), monitor))
                .isInstanceOfSatisfying(TrainingFailure.class, e -> assertThat(e.timedOut()).isTrue());
        assertThat(vertex.calls).anyMatch(c -> c.startsWith("cancel "));
    }

    @Test
    void cancelsTheJobWhenTheRunIsSuperseded() {
        vertex.states = List.of(JobState.JOB_STATE_RUNNING);
        monitor.cancelAfterPolls = 2;

        assertThatThrownBy(() -> backend(Duration.ofHours(1)).train(job(null), monitor)).isInstanceOf(RunStoppedException.class);
        assertThat(vertex.jobs.values()).allMatch(j -> j.getState() == JobState.JOB_STATE_CANCELLED);
    }

    @Test
    void reattachesToTheSubmittedJobAfterARestartInsteadOfSubmittingAgain() throws Exception {
        vertex.states = List.of(JobState.JOB_STATE_RUNNING, JobState.JOB_STATE_RUNNING, JobState.JOB_STATE_SUCCEEDED);
        monitor.shutdownAfterPolls = 1;
        assertThatThrownBy(() -> backend(Duration.ofHours(1)).train(job(null), monitor)).isInstanceOf(RunStoppedException.class);
        assertThat(vertex.calls).noneMatch(c -> c.startsWith("cancel "));

        TrainingOutcome outcome = backend(Duration.ofHours(1)).train(job(monitor.submitted), new StubMonitor());

        assertThat(outcome.modelVersion()).isEqualTo("v1");
        assertThat(vertex.calls.stream().filter(c -> c.startsWith("create "))).hasSize(1);
    }

    @Test
    void reportsTheEpochsTheJobsTrainerLeavesBesideTheVersionWhileItRunsOnceEach() throws Exception {
        URI modelUri = ModelPackage.modelUri(modelsBucket, "digits", "v1");
        io.sluice.training.CloudProgress.write(store, modelUri,
                new io.sluice.training.CloudProgress.Epoch(new EpochResult(1, 1.0, 0.5, 1.1, 0.45), 10, 250));
        io.sluice.training.CloudProgress.write(store, modelUri,
                new io.sluice.training.CloudProgress.Epoch(new EpochResult(2, 0.6, 0.7, 0.7, 0.66), 10, 260));
        vertex.states = List.of(JobState.JOB_STATE_RUNNING);
        monitor.shutdownAfterPolls = 3; // three polls read the same two epochs

        assertThatThrownBy(() -> backend(Duration.ofHours(1)).train(job(null), monitor)).isInstanceOf(RunStoppedException.class);

        assertThat(monitor.epochs).containsExactly(new EpochResult(1, 1.0, 0.5, 1.1, 0.45), new EpochResult(2, 0.6, 0.7, 0.7, 0.66));
    }

    private void writeModel(URI modelUri) {
        ModelCard.InputSpec input = new ModelCard.InputSpec(ModelCard.InputSpec.CSV, List.of(2), null, List.of("x", "y"));
        ModelCard card = new ModelCard(ModelCard.FORMAT_VERSION, "digits", "v1", ModelCard.Architecture.defaultFor("CSV"), List.of("a", "b"),
                input, new ModelCard.Normalisation(List.of(0.0, 0.0), List.of(1.0, 1.0)), Map.of(),
                List.of(new ModelCard.EpochMetrics(1, 1, 0.5, 1, 0.5), new ModelCard.EpochMetrics(2, 0.3, 0.9, 0.3, 0.9)), 2,
                new ModelCard.DatasetRef("digits", "abc", "gs://x"), null, "digits-abc-1", Instant.now(), Map.of(),
                new ModelCard.DataSummary(0, Map.of(), List.of()));
        assertThat(ModelPackage.modelUri(modelsBucket, "digits", "v1")).isEqualTo(modelUri);
        try (Model model = Model.newInstance("fake", Device.cpu(), "PyTorch")) {
            Block block = Networks.build(card.architecture(), input, 2);
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, Networks.inputShape(input, 1));
            models.write(modelsBucket, card, block, Map.of());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Records the submitted job; can ask for cancellation or a shutdown after some polls. */
    static final class StubMonitor implements TrainingMonitor {
        final List<EpochResult> epochs = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile String submitted;
        int polls;
        int cancelAfterPolls = Integer.MAX_VALUE;
        int shutdownAfterPolls = Integer.MAX_VALUE;

        @Override
        public void started(String backend, String device, String architecture, Map<String, String> hyperParameters, String parentVersion) {}

        @Override
        public void epoch(EpochResult result, int maxEpochs, double samplesPerSecond, Double etaSeconds) {
            epochs.add(result);
        }

        @Override
        public boolean stopRequested() {
            polls++;
            return polls > cancelAfterPolls || polls > shutdownAfterPolls;
        }

        @Override
        public boolean cancelRequested() {
            return polls > cancelAfterPolls;
        }

        @Override
        public void submitted(String externalJobId) {
            submitted = externalJobId;
        }
    }

    @Test
    void setsNoBaseOutputDirectoryOutsideCloudStorage() {
        VertexAiTrainingBackend.Settings local = new VertexAiTrainingBackend.Settings("p", "l", "i", "m", "ACCELERATOR_TYPE_UNSPECIFIED", 0,
                false, true, Duration.ofHours(1), Duration.ofSeconds(1), "file:/tmp/sluice-local-staging/vertex/");
        assertThat(local.outputDirectory("run-1")).isNull();
        assertThat(new VertexAiTrainingBackend.Settings("p", "l", "i", "m", "ACCELERATOR_TYPE_UNSPECIFIED", 0, false, true,
                Duration.ofHours(1), Duration.ofSeconds(1)).outputDirectory("run-1")).isNull();
    }
}
