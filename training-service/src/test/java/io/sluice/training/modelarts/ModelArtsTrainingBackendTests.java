package io.sluice.training.modelarts;

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
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.sluice.models.ModelCard;
import io.sluice.models.ModelPackage;
import io.sluice.models.Networks;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.training.domain.EpochResult;
import io.sluice.training.domain.ModelSettings;
import io.sluice.training.domain.RunRecord;
import io.sluice.training.domain.RunStoppedException;
import io.sluice.training.domain.TrainingFailure;
import io.sluice.training.domain.TrainingJob;
import io.sluice.training.domain.TrainingMonitor;
import io.sluice.training.domain.TrainingOutcome;
import io.sluice.training.domain.TrainingListener;
import io.sluice.training.domain.TrainingRequest;
import io.sluice.training.domain.TrainingRuns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.web.client.RestClient;

class ModelArtsTrainingBackendTests {

    @TempDir
    Path temp;

    FakeModelArts modelArts;
    FileObjectStore store;
    URI modelsBucket;
    ModelPackage models;
    final StubMonitor monitor = new StubMonitor();

    @BeforeEach
    void setUp() throws Exception {
        modelArts = new FakeModelArts();
        store = new FileObjectStore(temp.resolve("buckets"));
        modelsBucket = store.bucket("models");
        models = new ModelPackage(store, temp.resolve("cache"));
        // stands in for the job's container: writes the model version to the output it was given
        modelArts.onCompleted = body -> writeModel(URI.create(FakeModelArts.parameter(body, "output")));
    }

    @AfterEach
    void tearDown() {
        modelArts.close();
    }

    ModelArtsTrainingBackend backend(String token, Duration timeout) {
        return backend(ModelArtsAuthentication.iamToken(() -> token), timeout);
    }

    ModelArtsTrainingBackend backend(ModelArtsAuthentication auth, Duration timeout) {
        return new ModelArtsTrainingBackend(RestClient.builder(),
                new ModelArtsTrainingBackend.Settings(modelArts.endpoint(), "project-1", "swr.example/sluice/trainer:1",
                        "java -jar /app/service.jar train", "modelarts.vm.gpu.t4",
                        1, Duration.ofMillis(10), timeout),
                auth, models, modelsBucket,
                Retry.of("test", ModelArtsTrainingBackend.retryConfig(3, Duration.ofMillis(5))),
                CircuitBreaker.ofDefaults("test"), Clock.systemUTC());
    }

    static TrainingJob job(String externalJobId) {
        TrainingRequest request = new TrainingRequest("digits", "digits", "abc", "obs://training/datasets/digits/abc/manifest.json",
                "DATASET_READY", "digits@abc", "event-1");
        ModelSettings settings = new ModelSettings(null, List.of(), List.of(), 0, "adam", 0.001, 32, 10, 3, 42, List.of(), null, false, true);
        return new TrainingJob("digits-abc-1", request, "v1", settings, Optional.empty(), externalJobId);
    }

    @Test
    void submitsAJobPollsItAndReportsTheModelItsContainerWrote() throws Exception {
        TrainingOutcome outcome = backend(FakeModelArts.TOKEN, Duration.ofMinutes(1)).train(job(null), monitor);

        Map<?, ?> created = modelArts.createdBodies.get(0);
        assertThat(FakeModelArts.parameter(created, "dataset")).isEqualTo("obs://training/datasets/digits/abc/manifest.json");
        assertThat(FakeModelArts.parameter(created, "output")).isEqualTo(outcome.modelUri());
        assertThat(created.toString()).contains("swr.example/sluice/trainer:1").contains("modelarts.vm.gpu.t4").contains("digits-abc-1");
        // the container runs the trainer command; ModelArts appends the parameters as --name=value, which it parses
        assertThat(((Map<?, ?>) created.get("algorithm")).get("command")).isEqualTo("java -jar /app/service.jar train");
        assertThat(FakeModelArts.parameter(created, "run-id")).isEqualTo("digits-abc-1");
        assertThat(FakeModelArts.parameter(created, "learningRate")).isEqualTo("0.001");
        assertThat(FakeModelArts.parameter(created, "dropout")).isEqualTo("0.0");
        assertThat(monitor.submitted).isNotNull();
        assertThat(outcome.backend()).isEqualTo("modelarts");
        assertThat(outcome.bestEpoch()).isEqualTo(2);
        assertThat(outcome.history()).extracting(EpochResult::validationAccuracy).containsExactly(0.5, 0.9);
        assertThat(outcome.artifactUris()).containsExactly(outcome.modelUri() + ModelPackage.PARAMETERS_FILE, outcome.modelCardUri());
    }

    @Test
    void retriesTransientServerErrorsWithBackoff() throws Exception {
        modelArts.failNextRequests.set(2);

        TrainingOutcome outcome = backend(FakeModelArts.TOKEN, Duration.ofMinutes(1)).train(job(null), monitor);

        assertThat(outcome.modelVersion()).isEqualTo("v1");
        assertThat(modelArts.requests.stream().filter(r -> r.equals("POST /v2/project-1/training-jobs"))).hasSize(3);
        assertThat(modelArts.jobs).hasSize(1);
    }

    @Test
    void failsWithoutRetryingWhenTheTokenIsRefused() {
        assertThatThrownBy(() -> backend("wrong", Duration.ofMinutes(1)).train(job(null), monitor))
                .isInstanceOf(TrainingFailure.class).hasMessageContaining("HTTP 401").hasMessageContaining("IAM token")
                .hasMessageNotContaining("wrong");
        assertThat(modelArts.requests).hasSize(1);
    }

    @Test
    void signsEveryCallWithAkSkSoThatTheServiceVerifiesTheSignature() throws Exception {
        modelArts.akSk = true;
        modelArts.phases = List.of("Running", "Completed");

        TrainingOutcome outcome = backend(ModelArtsAuthentication.akSk(FakeModelArts.AK, FakeModelArts.SK, "project-1", Clock.systemUTC()),
                Duration.ofMinutes(1)).train(job(null), monitor);

        assertThat(outcome.modelVersion()).isEqualTo("v1");
        assertThat(modelArts.requests).contains("POST /v2/project-1/training-jobs").hasSizeGreaterThanOrEqualTo(3);
        // every request (create with a JSON body, then GET polls) passed the server-side signature check
        assertThat(modelArts.signedHeaders).hasSameSizeAs(modelArts.requests)
                .contains("content-type;host;x-project-id;x-sdk-date", "host;x-project-id;x-sdk-date");
    }

    @Test
    void terminatesWithAkSkSignedActionsWhenTheRunIsCancelled() {
        modelArts.akSk = true;
        modelArts.phases = List.of("Running");
        monitor.cancelAfterPolls = 1;

        assertThatThrownBy(() -> backend(ModelArtsAuthentication.akSk(FakeModelArts.AK, FakeModelArts.SK, "project-1", Clock.systemUTC()),
                Duration.ofMinutes(1)).train(job(null), monitor)).isInstanceOf(RunStoppedException.class);
        assertThat(modelArts.jobs.values()).isNotEmpty().allMatch(job -> job.terminated);
    }

    @Test
    void failsWithoutRetryingWhenTheSecretKeyIsWrong() {
        modelArts.akSk = true;
        String wrongSk = "not-the-secret-key-at-all";

        assertThatThrownBy(() -> backend(ModelArtsAuthentication.akSk(FakeModelArts.AK, wrongSk, "project-1", Clock.systemUTC()),
                Duration.ofMinutes(1)).train(job(null), monitor))
                .isInstanceOf(TrainingFailure.class).hasMessageContaining("HTTP 401").hasMessageContaining("AK/SK signature was refused")
                .hasMessageContaining("sluice.training.modelarts.sk").hasMessageNotContaining(wrongSk);
        assertThat(modelArts.requests).hasSize(1);
        assertThat(modelArts.jobs).isEmpty();
    }

    @Test
    void refusesASignatureMadeWithAClockMoreThanFifteenMinutesOff() {
        modelArts.akSk = true;
        Clock slow = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-20));

        assertThatThrownBy(() -> backend(ModelArtsAuthentication.akSk(FakeModelArts.AK, FakeModelArts.SK, "project-1", slow),
                Duration.ofMinutes(1)).train(job(null), monitor))
                .isInstanceOf(TrainingFailure.class).hasMessageContaining("HTTP 401").hasMessageContaining("clock");
    }

    @Test
    void endsTheRunInTrainingFailedWithAnActionableReasonWhenTheSecretKeyIsWrong() throws Exception {
        modelArts.akSk = true;
        String wrongSk = "not-the-secret-key-at-all";
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void started(RunRecord run, String backend, String device, String architecture, Map<String, String> hyperParameters,
                                String parentVersion) {}

            @Override
            public void progressed(RunRecord run, EpochResult result, int maxEpochs, double samplesPerSecond, Double etaSeconds) {}

            @Override
            public void completed(RunRecord run, TrainingOutcome outcome, long durationMillis) {
                failures.add("completed");
            }

            @Override
            public void failed(RunRecord run, String kind, String reason, String errorType, boolean retryable, String supersededBy) {
                failures.add(kind + " retryable=" + retryable + ": " + reason);
            }
        };
        ModelArtsTrainingBackend backend = backend(ModelArtsAuthentication.akSk(FakeModelArts.AK, wrongSk, "project-1", Clock.systemUTC()),
                Duration.ofMinutes(1));
        try (TrainingRuns runs = new TrainingRuns(io.sluice.training.TestJournals.in(temp.resolve("state")), backend, listener, model -> Optional.empty(),
                model -> job(null).settings(), 1, Clock.systemUTC())) {
            runs.accept(job(null).request(), false);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (failures.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }

        assertThat(failures).singleElement().asString().startsWith("FAILED retryable=false: ModelArts refused to create the training job (HTTP 401)")
                .contains("AK/SK signature was refused").doesNotContain(wrongSk);
    }

    @Test
    void reportsAFailedJobWithItsReason() {
        modelArts.phases = List.of("Running", "Failed");
        modelArts.failureReason = "OOM killed";

        assertThatThrownBy(() -> backend(FakeModelArts.TOKEN, Duration.ofMinutes(1)).train(job(null), monitor))
                .isInstanceOf(TrainingFailure.class).hasMessageContaining("ended Failed: OOM killed");
    }

    @Test
    void terminatesAJobThatRunsPastItsTimeout() {
        modelArts.phases = List.of("Running");

        assertThatThrownBy(() -> backend(FakeModelArts.TOKEN, Duration.ofMillis(50)).train(job(null), monitor))
                .isInstanceOfSatisfying(TrainingFailure.class, e -> assertThat(e.timedOut()).isTrue());
        assertThat(modelArts.jobs.values()).allMatch(job -> job.terminated);
    }

    @Test
    void terminatesTheJobWhenTheRunIsCancelled() {
        modelArts.phases = List.of("Running");
        monitor.cancelAfterPolls = 2;

        assertThatThrownBy(() -> backend(FakeModelArts.TOKEN, Duration.ofMinutes(1)).train(job(null), monitor))
                .isInstanceOf(RunStoppedException.class);
        assertThat(modelArts.jobs.values()).allMatch(job -> job.terminated);
    }

    @Test
    void leavesTheJobRunningWhenTheServiceStopsAndReattachesAfterwards() throws Exception {
        modelArts.phases = List.of("Running", "Running", "Running", "Completed");
        monitor.shutdownAfterPolls = 1;
        assertThatThrownBy(() -> backend(FakeModelArts.TOKEN, Duration.ofMinutes(1)).train(job(null), monitor))
                .isInstanceOf(RunStoppedException.class);
        assertThat(modelArts.jobs.values()).noneMatch(job -> job.terminated);

        StubMonitor afterRestart = new StubMonitor();
        TrainingOutcome outcome = backend(FakeModelArts.TOKEN, Duration.ofMinutes(1)).train(job(monitor.submitted), afterRestart);

        assertThat(outcome.modelVersion()).isEqualTo("v1");
        assertThat(modelArts.createdBodies).hasSize(1);
        assertThat(afterRestart.submitted).isNull();
    }

    @Test
    void reportsTheEpochsTheJobsTrainerLeavesBesideTheVersionWhileItRunsOnceEach() throws Exception {
        URI modelUri = ModelPackage.modelUri(modelsBucket, "digits", "v1");
        io.sluice.training.CloudProgress.write(store, modelUri,
                new io.sluice.training.CloudProgress.Epoch(new EpochResult(1, 1.0, 0.5, 1.1, 0.45), 10, 250));
        io.sluice.training.CloudProgress.write(store, modelUri,
                new io.sluice.training.CloudProgress.Epoch(new EpochResult(2, 0.6, 0.7, 0.7, 0.66), 10, 260));
        modelArts.phases = List.of("Running");
        monitor.shutdownAfterPolls = 3; // three polls read the same two epochs

        assertThatThrownBy(() -> backend(FakeModelArts.TOKEN, Duration.ofMinutes(1)).train(job(null), monitor)).isInstanceOf(RunStoppedException.class);

        assertThat(monitor.epochs).containsExactly(new EpochResult(1, 1.0, 0.5, 1.1, 0.45), new EpochResult(2, 0.6, 0.7, 0.7, 0.66));
    }

    private void writeModel(URI modelUri) {
        ModelCard.InputSpec input = new ModelCard.InputSpec(ModelCard.InputSpec.CSV, List.of(2), null, List.of("x", "y"));
        ModelCard card = new ModelCard(ModelCard.FORMAT_VERSION, "digits", "v1", ModelCard.Architecture.defaultFor("CSV"), List.of("a", "b"),
                input, new ModelCard.Normalisation(List.of(0.0, 0.0), List.of(1.0, 1.0)), Map.of("device", "gpu(0)"),
                List.of(new ModelCard.EpochMetrics(1, 1, 0.5, 1, 0.5), new ModelCard.EpochMetrics(2, 0.3, 0.9, 0.3, 0.9)), 2,
                new ModelCard.DatasetRef("digits", "abc", "obs://x"), null, "digits-abc-1", Instant.now(), Map.of(),
                new ModelCard.DataSummary(0, Map.of(), List.of()));
        try (Model model = Model.newInstance("fake", Device.cpu(), "PyTorch")) {
            Block block = Networks.build(card.architecture(), input, 2);
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, Networks.inputShape(input, 1));
            assertThat(ModelPackage.modelUri(modelsBucket, "digits", "v1")).isEqualTo(modelUri);
            models.write(modelsBucket, card, block, Map.of());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Records the submitted job id; can ask for cancellation or a shutdown after some polls. */
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
}
