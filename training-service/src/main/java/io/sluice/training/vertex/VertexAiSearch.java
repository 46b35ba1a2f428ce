package io.sluice.training.vertex;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.logging.Logger;

import com.google.cloud.aiplatform.v1.HyperparameterTuningJob;
import com.google.cloud.aiplatform.v1.JobState;
import com.google.cloud.aiplatform.v1.LocationName;
import com.google.cloud.aiplatform.v1.Measurement;
import com.google.cloud.aiplatform.v1.StudySpec;
import com.google.cloud.aiplatform.v1.Trial;
import com.google.protobuf.Value;
import io.sluice.models.ModelPackage;
import io.sluice.training.domain.ModelSettings;
import io.sluice.training.domain.RunStoppedException;
import io.sluice.training.domain.TrainingFailure;
import io.sluice.training.domain.TrainingJob;
import io.sluice.training.domain.tuning.RemoteSearch;
import io.sluice.training.domain.tuning.SearchRecord;
import io.sluice.training.domain.tuning.SearchSpace;
import io.sluice.training.domain.tuning.TrialResult;

/**
 * Runs a search as a Vertex AI {@code HyperparameterTuningJob}: the study maximises {@value #METRIC} over the search space
 * (learning rate on a log scale, batch size and hidden sizes as categories, random search), stops poor trials with Vertex
 * AI's median automated stopping rule, and runs each trial as the run's CustomJob spec (the trainer command, which
 * reports {@value #METRIC} per epoch to the hypertune metrics file; Vertex AI appends a trial's parameters as
 * {@code --name=value}). Polls the job; maps its trials to trial results: SUCCEEDED with fewer measured epochs than the
 * budget → stopped early, INFEASIBLE → failed. The job name is journaled, so a restarted service re-attaches.
 */
public final class VertexAiSearch implements RemoteSearch {

    /** The metric the trainer reports and the study maximises. */
    public static final String METRIC = "val_accuracy";

    private static final Logger LOG = Logger.getLogger(VertexAiSearch.class.getName());

    private final VertexAiTrainingBackend vertex;
    private final URI scratchBucket;
    private final int parallelTrials;

    /**
     * @param scratchBucket  where trials write their (unused) versions: {@code models/<model>/<searchId>/}
     * @param parallelTrials trials Vertex AI runs at once
     */
    public VertexAiSearch(VertexAiTrainingBackend vertex, URI scratchBucket, int parallelTrials) {
        this.vertex = vertex;
        this.scratchBucket = scratchBucket;
        this.parallelTrials = parallelTrials;
    }

    @Override
    public String name() {
        return vertex.name();
    }

    @Override
    public List<TrialResult> search(SearchRecord search, ModelSettings base, Consumer<String> submitted, BooleanSupplier stopRequested)
            throws TrainingFailure {
        String name = search.externalJobId();
        if (name == null) {
            HyperparameterTuningJob job = tuningJob(search, base);
            name = vertex.call("create the HyperparameterTuningJob", () -> vertex.jobs().createHyperparameterTuningJob(
                    LocationName.of(vertex.settings().project(), vertex.settings().location()), job)).getName();
            submitted.accept(name);
        } else {
            LOG.info("re-attaching search " + search.searchId() + " to Vertex AI job " + name);
        }
        Instant deadline = Instant.now().plus(vertex.settings().timeout());
        String jobName = name;
        while (true) {
            if (stopRequested.getAsBoolean()) {
                throw new RunStoppedException("service stopping; Vertex AI tuning job " + jobName + " keeps running");
            }
            HyperparameterTuningJob current = vertex.call("read the HyperparameterTuningJob",
                    () -> vertex.jobs().getHyperparameterTuningJob(jobName));
            JobState state = current.getState();
            switch (state) {
                case JOB_STATE_SUCCEEDED:
                    return trials(search, current);
                case JOB_STATE_FAILED:
                    throw new TrainingFailure("Vertex AI tuning job " + jobName + " failed: " + current.getError().getMessage(), false, null);
                case JOB_STATE_CANCELLED, JOB_STATE_CANCELLING:
                    throw new TrainingFailure("Vertex AI tuning job " + jobName + " was cancelled outside Sluice", false, null);
                case JOB_STATE_EXPIRED:
                    throw new TrainingFailure("Vertex AI tuning job " + jobName + " expired before it could run", true, true, null);
                default:
                    break;
            }
            if (Instant.now().isAfter(deadline)) {
                vertex.call("cancel the HyperparameterTuningJob", () -> {
                    vertex.jobs().cancelHyperparameterTuningJob(jobName);
                    return null;
                });
                throw new TrainingFailure("Vertex AI tuning job " + jobName + " ran longer than " + vertex.settings().timeout()
                        + " and was cancelled; raise sluice.training.vertex.timeout", false, true, null);
            }
            try {
                Thread.sleep(vertex.settings().pollInterval().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RunStoppedException("interrupted while waiting for Vertex AI tuning job " + jobName);
            }
        }
    }

    HyperparameterTuningJob tuningJob(SearchRecord search, ModelSettings base) {
        SearchSpace space = search.space();
        ModelSettings trial = space.trialSettings(base, Map.of());
        TrainingJob template = new TrainingJob(search.searchId(), search.request(), search.searchId(), trial, Optional.empty(), null);
        URI output = ModelPackage.modelUri(scratchBucket, search.request().modelName(), search.searchId());
        StudySpec.Builder study = StudySpec.newBuilder()
                .addMetrics(StudySpec.MetricSpec.newBuilder().setMetricId(METRIC).setGoal(StudySpec.MetricSpec.GoalType.MAXIMIZE))
                .addParameters(StudySpec.ParameterSpec.newBuilder().setParameterId("learningRate")
                        .setDoubleValueSpec(StudySpec.ParameterSpec.DoubleValueSpec.newBuilder().setMinValue(space.minLearningRate())
                                .setMaxValue(space.maxLearningRate()))
                        .setScaleType(StudySpec.ParameterSpec.ScaleType.UNIT_LOG_SCALE))
                .addParameters(categorical("batchSize", space.batchSizes().stream().map(String::valueOf).toList()))
                .setMedianAutomatedStoppingSpec(StudySpec.MedianAutomatedStoppingSpec.newBuilder())
                .setAlgorithm(StudySpec.Algorithm.RANDOM_SEARCH);
        if (!space.hidden().isEmpty()) {
            study.addParameters(categorical("hidden", space.hidden().stream()
                    .map(sizes -> String.join(",", sizes.stream().map(String::valueOf).toList())).toList()));
        }
        return HyperparameterTuningJob.newBuilder().setDisplayName(search.searchId())
                .putLabels("sluice-model", search.request().modelName().toLowerCase(Locale.ROOT))
                .setStudySpec(study).setMaxTrialCount(space.trials()).setParallelTrialCount(parallelTrials)
                .setMaxFailedTrialCount(space.trials())
                .setTrialJobSpec(vertex.customJob(template, output).getJobSpec())
                .build();
    }

    private static StudySpec.ParameterSpec.Builder categorical(String id, List<String> values) {
        return StudySpec.ParameterSpec.newBuilder().setParameterId(id)
                .setCategoricalValueSpec(StudySpec.ParameterSpec.CategoricalValueSpec.newBuilder().addAllValues(values));
    }

    private static List<TrialResult> trials(SearchRecord search, HyperparameterTuningJob job) {
        List<Trial> ordered = new ArrayList<>(job.getTrialsList());
        ordered.sort(Comparator.comparingLong(t -> number(t.getId())));
        List<TrialResult> results = new ArrayList<>();
        for (int index = 0; index < ordered.size(); index++) {
            Trial trial = ordered.get(index);
            Map<String, String> parameters = new LinkedHashMap<>();
            for (Trial.Parameter parameter : trial.getParametersList()) {
                parameters.put(parameter.getParameterId(), text(parameter.getValue()));
            }
            Measurement last = trial.getFinalMeasurement();
            double accuracy = last.getMetricsList().stream().filter(m -> m.getMetricId().equals(METRIC)).mapToDouble(Measurement.Metric::getValue)
                    .findFirst().orElse(0);
            int epochs = (int) last.getStepCount();
            String trialId = search.searchId() + "-t" + index;
            TrialResult.Outcome outcome;
            String reason = null;
            if (trial.getState() == Trial.State.INFEASIBLE) {
                outcome = TrialResult.Outcome.FAILED;
                reason = "infeasible on Vertex AI: " + trial.getInfeasibleReason();
            } else if (epochs < search.space().maxEpochs()) {
                outcome = TrialResult.Outcome.STOPPED_EARLY;
                reason = "stopped by Vertex AI's median automated stopping rule after epoch " + epochs + " (Vertex trial " + trial.getId() + ")";
            } else {
                outcome = TrialResult.Outcome.COMPLETED;
            }
            results.add(new TrialResult(trialId, index, parameters, outcome, epochs, accuracy, Double.NaN, List.of(), reason));
        }
        return results;
    }

    private static long number(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static String text(Value value) {
        if (value.hasNumberValue()) {
            return Double.toString(value.getNumberValue());
        }
        return value.getStringValue();
    }
}
