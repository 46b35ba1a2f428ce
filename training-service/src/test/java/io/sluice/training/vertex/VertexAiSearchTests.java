package io.sluice.training.vertex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.google.cloud.aiplatform.v1.HyperparameterTuningJob;
import com.google.cloud.aiplatform.v1.JobServiceClient;
import com.google.cloud.aiplatform.v1.JobState;
import com.google.cloud.aiplatform.v1.Measurement;
import com.google.cloud.aiplatform.v1.StudySpec;
import com.google.cloud.aiplatform.v1.Trial;
import com.google.protobuf.Value;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.sluice.models.ModelPackage;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.training.domain.ModelSettings;
import io.sluice.training.domain.TrainingRequest;
import io.sluice.training.domain.tuning.HyperparameterSearches;
import io.sluice.training.domain.tuning.SearchRecord;
import io.sluice.training.domain.tuning.SearchSpace;
import io.sluice.training.domain.tuning.TrialResult;
import io.sluice.training.domain.tuning.TunedParameters;
import io.sluice.training.domain.tuning.TuningListener;
import io.sluice.training.journal.ObjectStoreSearchJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A search as a Vertex AI HyperparameterTuningJob: the real JobServiceClient against the in-process fake. */
class VertexAiSearchTests {

    static final Duration WAIT = Duration.ofSeconds(20);
    static final SearchSpace SPACE = new SearchSpace(8, 1e-4, 1e-1, List.of(16, 32, 64), List.of(), 1, 9, 3, 42);
    static final ModelSettings BASE = new ModelSettings(null, List.of(), List.of(), 0, "adam", 0.001, 32, 20, 5, 42, List.of(), null,
            false, true);

    @TempDir
    Path temp;

    FakeJobService vertex;
    JobServiceClient client;
    FileObjectStore store;
    final TunedParameters tuned = new TunedParameters();
    final List<TrialResult> published = new CopyOnWriteArrayList<>();
    final List<String> outcomes = new CopyOnWriteArrayList<>();
    final List<HyperparameterSearches> started = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        vertex = new FakeJobService();
        client = vertex.client();
        store = new FileObjectStore(temp.resolve("buckets"));
        // stands in for the study: trial i gets learning rate 10^-(4 - i/2) and batch 32; the accuracy grows with the learning
        // rate; the median rule stops the trials below the median after their first epoch
        vertex.trials = job -> {
            List<Trial> trials = new ArrayList<>();
            for (int i = 0; i < job.getMaxTrialCount(); i++) {
                double rate = Math.pow(10, -4 + i * 0.4);
                double accuracy = 0.5 + i * 0.05;
                boolean stopped = i < job.getMaxTrialCount() / 2;
                trials.add(Trial.newBuilder().setId(Integer.toString(i + 1)).setState(Trial.State.SUCCEEDED)
                        .addParameters(Trial.Parameter.newBuilder().setParameterId("learningRate").setValue(Value.newBuilder().setNumberValue(rate)))
                        .addParameters(Trial.Parameter.newBuilder().setParameterId("batchSize").setValue(Value.newBuilder().setStringValue("32")))
                        .setFinalMeasurement(Measurement.newBuilder().setStepCount(stopped ? 1 : 9)
                                .addMetrics(Measurement.Metric.newBuilder().setMetricId(VertexAiSearch.METRIC).setValue(accuracy)))
                        .build());
            }
            return trials;
        };
    }

    @AfterEach
    void tearDown() {
        started.forEach(HyperparameterSearches::close);
        client.close();
        vertex.close();
    }

    HyperparameterSearches searches() throws Exception {
        VertexAiTrainingBackend backend = new VertexAiTrainingBackend(client, new VertexAiTrainingBackend.Settings("sluice-prod",
                "europe-west4", "europe-docker.pkg.dev/sluice/trainer:1", "n1-standard-8", "ACCELERATOR_TYPE_UNSPECIFIED", 0, false, true,
                Duration.ofHours(1), Duration.ofMillis(10), "gs://sluice-staging/training/vertex/"), new ModelPackage(store, temp.resolve("cache")), store.bucket("models"),
                Retry.of("test", VertexAiTrainingBackend.retryConfig(3, Duration.ofMillis(5))), CircuitBreaker.ofDefaults("test"),
                Clock.systemUTC());
        HyperparameterSearches searches = new HyperparameterSearches(new ObjectStoreSearchJournal(store, store.bucket("staging").resolve("searches/")),
                backend, new VertexAiSearch(backend, store.bucket("staging").resolve("trials/"), 4), new Recording(), model -> BASE,
                model -> SPACE, tuned, 1, Clock.systemUTC());
        started.add(searches);
        return searches;
    }

    static TrainingRequest request(String eventId) {
        return new TrainingRequest("digits", "digits", "abcdef0123456789", "gs://training/datasets/digits/abcdef0123456789/manifest.json",
                "OPERATOR", "digits@abcdef", eventId);
    }

    @Test
    void submitsAStudyOfTheSearchSpaceWithMedianStoppingAndPublishesItsTrialsAndWinner() throws Exception {
        SearchRecord search = searches().accept(request("0a1b2c3d-0000-0000-0000-000000000000")).orElseThrow();
        await().atMost(WAIT).until(() -> outcomes.size() == 1);

        HyperparameterTuningJob job = vertex.tuningJobs.values().iterator().next();
        assertThat(job.getDisplayName()).isEqualTo(search.searchId());
        assertThat(job.getMaxTrialCount()).isEqualTo(8);
        assertThat(job.getParallelTrialCount()).isEqualTo(4);
        StudySpec study = job.getStudySpec();
        assertThat(study.getMetrics(0).getMetricId()).isEqualTo("val_accuracy");
        assertThat(study.getMetrics(0).getGoal()).isEqualTo(StudySpec.MetricSpec.GoalType.MAXIMIZE);
        assertThat(study.hasMedianAutomatedStoppingSpec()).isTrue();
        StudySpec.ParameterSpec rate = study.getParametersList().stream().filter(p -> p.getParameterId().equals("learningRate")).findFirst()
                .orElseThrow();
        assertThat(rate.getScaleType()).isEqualTo(StudySpec.ParameterSpec.ScaleType.UNIT_LOG_SCALE);
        assertThat(rate.getDoubleValueSpec().getMinValue()).isEqualTo(1e-4);
        assertThat(rate.getDoubleValueSpec().getMaxValue()).isEqualTo(1e-1);
        assertThat(study.getParametersList()).anySatisfy(p -> assertThat(p.getCategoricalValueSpec().getValuesList())
                .containsExactly("16", "32", "64"));
        List<String> args = job.getTrialJobSpec().getWorkerPoolSpecs(0).getContainerSpec().getArgsList();
        assertThat(args).startsWith("train", "--dataset", request("x").manifestUri()).contains("--maxEpochs=9", "--warmStart=false");
        assertThat(args.get(args.indexOf("--output") + 1)).contains("/trials/models/digits/" + search.searchId());

        assertThat(published).hasSize(8).extracting(TrialResult::trialId).doesNotHaveDuplicates();
        assertThat(published).filteredOn(t -> t.outcome() == TrialResult.Outcome.STOPPED_EARLY).hasSize(4)
                .allMatch(t -> t.epochs() == 1 && t.reason().contains("median"));
        assertThat(outcomes).containsExactly("vertex-ai " + search.searchId() + "-t7");
        assertThat(Double.parseDouble(tuned.of("digits").get("learningRate"))).isCloseTo(Math.pow(10, -4 + 7 * 0.4), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(tuned.of("digits")).containsEntry("batchSize", "32");
    }

    @Test
    void aRestartedServiceReattachesToTheTuningJobInsteadOfSubmittingAnother() throws Exception {
        vertex.states = List.of(JobState.JOB_STATE_PENDING, JobState.JOB_STATE_RUNNING, JobState.JOB_STATE_RUNNING, JobState.JOB_STATE_RUNNING,
                JobState.JOB_STATE_RUNNING, JobState.JOB_STATE_RUNNING, JobState.JOB_STATE_RUNNING, JobState.JOB_STATE_RUNNING,
                JobState.JOB_STATE_RUNNING, JobState.JOB_STATE_RUNNING, JobState.JOB_STATE_SUCCEEDED);
        HyperparameterSearches first = searches();
        first.accept(request("e1"));
        await().atMost(WAIT).until(() -> vertex.calls.stream().filter(c -> c.startsWith("get tuning")).count() >= 2);
        first.close();

        HyperparameterSearches second = searches();
        assertThat(second.adopt(model -> true)).singleElement().satisfies(s -> assertThat(s.externalJobId()).isNotNull());
        await().atMost(WAIT).until(() -> outcomes.size() == 1);

        assertThat(vertex.calls.stream().filter(c -> c.startsWith("create tuning"))).hasSize(1);
        assertThat(published).hasSize(8);
    }

    final class Recording implements TuningListener {
        @Override
        public void trialFinished(SearchRecord search, TrialResult trial) {
            published.add(trial);
        }

        @Override
        public void completed(SearchRecord search, TrialResult winner, Map<String, String> bestParameters, String backend, long durationMillis) {
            outcomes.add(backend + " " + winner.trialId());
        }

        @Override
        public void failed(SearchRecord search, String reason) {
            outcomes.add("failed " + reason);
        }
    }
}
