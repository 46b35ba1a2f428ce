package io.sluice.events;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;

/**
 * A valid builder for every event, so a test sets only what it asserts on:
 * {@code Events.trainingCompleted().setModelName("asl").build()}.
 */
public final class Events {

    public static final String DATASET = "digits";
    public static final String DATASET_VERSION = "9f2c0a7d4b1e";
    public static final String MODEL = "digits";
    public static final String RUN_ID = "digits-9f2c0a7d4b1e-1";
    public static final String MODEL_URI = "file:/tmp/sluice/buckets/sluice-local-models/models/digits/v1/";

    private Events() {}

    public static EventHeader.Builder header() {
        return EventHeader.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setCorrelationId(DATASET + "@" + DATASET_VERSION)
                .setCausationId(null)
                .setProducer("test/0");
    }

    public static EventHeader newHeader() {
        return header().build();
    }

    public static SplitCounts splits() {
        return new SplitCounts(80, 10, 10);
    }

    public static EpochMetrics epoch(int epoch, double validationAccuracy) {
        return new EpochMetrics(epoch, 0.5 / epoch, validationAccuracy + 0.01, 0.6 / epoch, validationAccuracy);
    }

    public static MetricCheck check(String metric, CheckDecision decision) {
        return new MetricCheck(metric, 0.05, 0.01, 400L, 3600L, 3.2, 0.01, decision, metric + " " + decision);
    }

    public static AnalysisWindow window() {
        Instant end = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return AnalysisWindow.newBuilder().setStart(end.minusSeconds(30)).setEnd(end).build();
    }

    public static EvaluationMetrics evaluationMetrics() {
        return EvaluationMetrics.newBuilder()
                .setTestSamples(20).setAccuracy(0.95).setMacroPrecision(0.95).setMacroRecall(0.95).setMacroF1(0.95)
                .setMcc(0.9).setLoss(0.08)
                .setPerClass(List.of(new ClassMetrics("a", 0.9, 1.0, 0.947, 10L), new ClassMetrics("b", 1.0, 0.9, 0.947, 10L)))
                .setClassNames(List.of("a", "b"))
                .setConfusionMatrix(List.of(List.of(10L, 0L), List.of(1L, 9L)))
                .build();
    }

    public static List<GateResult> gates(boolean passed) {
        return List.of(new GateResult("min-accuracy", passed ? 0.97 : 0.80, 0.95, ">=", passed, null));
    }

    public static DatasetReady.Builder datasetReady() {
        return DatasetReady.newBuilder().setHeader(newHeader()).setDatasetName(DATASET).setDatasetVersion(DATASET_VERSION)
                .setLayout(DatasetLayout.IMAGE_FOLDER)
                .setRawUri("file:/tmp/sluice/buckets/sluice-local-raw-data/datasets/digits/")
                .setManifestUri("file:/tmp/sluice/buckets/sluice-local-training/datasets/digits/" + DATASET_VERSION + "/manifest.json")
                .setSampleCount(100).setClassNames(List.of("a", "b")).setClassCounts(Map.of("a", 50L, "b", 50L))
                .setSplitCounts(splits()).setInputShape(List.of(1, 28, 28)).setFeatureNames(List.of()).setLabelColumn(null)
                .setWarnings(List.of());
    }

    public static DatasetRejected.Builder datasetRejected() {
        return DatasetRejected.newBuilder().setHeader(newHeader()).setDatasetName(DATASET).setDatasetVersion(DATASET_VERSION)
                .setLayout(DatasetLayout.IMAGE_FOLDER).setRawUri("file:/tmp/raw/datasets/digits/").setSampleCount(3)
                .setIssues(List.of(new ValidationIssue("corrupt-file", Severity.ERROR, "a/1.png", "not an image")));
    }

    public static TrainingStarted.Builder trainingStarted() {
        return TrainingStarted.newBuilder().setHeader(newHeader()).setRunId(RUN_ID).setModelName(MODEL).setDatasetName(DATASET)
                .setDatasetVersion(DATASET_VERSION).setTrigger(TrainingTrigger.DATASET_READY).setBackend("local")
                .setDevice("cpu()").setArchitecture("cnn").setHyperParameters(Map.of("epochs", "5"));
    }

    public static TrainingProgressed.Builder trainingProgressed() {
        return TrainingProgressed.newBuilder().setHeader(newHeader()).setRunId(RUN_ID).setModelName(MODEL).setTotalEpochs(5)
                .setMetrics(epoch(1, 0.9)).setSamplesPerSecond(1200.0).setEtaSeconds(4.0);
    }

    public static TrainingCompleted.Builder trainingCompleted() {
        return TrainingCompleted.newBuilder().setHeader(newHeader()).setRunId(RUN_ID).setModelName(MODEL).setModelVersion("v1")
                .setDatasetName(DATASET).setDatasetVersion(DATASET_VERSION)
                .setManifestUri("file:/tmp/sluice/buckets/sluice-local-training/datasets/digits/" + DATASET_VERSION + "/manifest.json")
                .setModelUri(MODEL_URI).setModelCardUri(MODEL_URI + "model-card.json")
                .setArtifactUris(List.of(MODEL_URI + "model-card.json", MODEL_URI + "digits-0000.params"))
                .setArchitecture("cnn").setBestEpoch(2).setBestMetrics(epoch(2, 0.97))
                .setHistory(List.of(epoch(1, 0.9), epoch(2, 0.97))).setDurationMillis(1234).setBackend("local").setDevice("cpu()");
    }

    public static TrainingFailed.Builder trainingFailed() {
        return TrainingFailed.newBuilder().setHeader(newHeader()).setRunId(RUN_ID).setModelName(MODEL).setDatasetName(DATASET)
                .setDatasetVersion(DATASET_VERSION).setKind(FailureKind.FAILED).setReason("out of memory").setRetryable(false);
    }

    public static RetrainingRequested.Builder retrainingRequested() {
        return RetrainingRequested.newBuilder().setHeader(newHeader()).setModelName(MODEL).setCurrentVersion("v1")
                .setDatasetName(DATASET).setTrigger(TrainingTrigger.DRIFT).setReason("input drift")
                .setEvidence(List.of(check("psi", CheckDecision.FAIL)));
    }

    public static ModelApproved.Builder modelApproved() {
        return ModelApproved.newBuilder().setHeader(newHeader()).setModelName(MODEL).setModelVersion("v1").setRunId(RUN_ID)
                .setDatasetName(DATASET).setDatasetVersion(DATASET_VERSION).setModelUri(MODEL_URI)
                .setMetrics(evaluationMetrics()).setGates(gates(true)).setStrategy(ReleaseStrategy.CANARY);
    }

    public static ModelRejected.Builder modelRejected() {
        return ModelRejected.newBuilder().setHeader(newHeader()).setModelName(MODEL).setModelVersion("v1").setRunId(RUN_ID)
                .setDatasetName(DATASET).setDatasetVersion(DATASET_VERSION).setModelUri(MODEL_URI)
                .setMetrics(evaluationMetrics()).setGates(gates(false)).setReasons(List.of("accuracy 0.80 < 0.95"));
    }

    public static CanaryStarted.Builder canaryStarted() {
        return CanaryStarted.newBuilder().setHeader(newHeader()).setModelName(MODEL).setVersion("v2").setStableVersion("v1")
                .setStrategy(ReleaseStrategy.CANARY).setSteps(List.of(10, 25, 50, 100)).setWeight(10).setModelUri(MODEL_URI);
    }

    public static TrafficShifted.Builder trafficShifted() {
        return TrafficShifted.newBuilder().setHeader(newHeader()).setModelName(MODEL).setCanaryVersion("v2").setStableVersion("v1")
                .setStepIndex(1).setFromWeight(10).setToWeight(25).setReason("canary healthy");
    }

    public static ModelPromoted.Builder modelPromoted() {
        return ModelPromoted.newBuilder().setHeader(newHeader()).setModelName(MODEL).setVersion("v2").setPreviousVersion("v1")
                .setActor("system").setReason("all steps healthy");
    }

    public static RolledBack.Builder rolledBack() {
        return RolledBack.newBuilder().setHeader(newHeader()).setModelName(MODEL).setVersion("v2").setRestoredVersion("v1")
                .setActor("system").setReason("canary degraded").setEvidence(List.of(check("error-rate", CheckDecision.FAIL)));
    }

    public static ReleaseHeld.Builder releaseHeld() {
        return ReleaseHeld.newBuilder().setHeader(newHeader()).setModelName(MODEL).setVersion("v2").setStepIndex(0).setHeld(true)
                .setActor("system").setReason("inconclusive: 12 samples < 200");
    }

    public static TuningRequested.Builder tuningRequested() {
        return TuningRequested.newBuilder().setHeader(newHeader()).setModelName(MODEL).setDatasetName(DATASET)
                .setTrigger(TrainingTrigger.OPERATOR).setActor("writer#1a2b3c4d").setReason("sluice tune");
    }

    public static TuningTrialFinished.Builder tuningTrialFinished() {
        return TuningTrialFinished.newBuilder().setHeader(newHeader()).setSearchId(MODEL + "-tune-0f1e2d3c4b5a")
                .setTrialId(MODEL + "-tune-0f1e2d3c4b5a-t0").setModelName(MODEL)
                .setParameters(Map.of("learningRate", "0.003", "batchSize", "32")).setOutcome(TrialOutcome.COMPLETED).setEpochs(9)
                .setValidationAccuracy(0.97).setValidationLoss(0.1);
    }

    public static TuningCompleted.Builder tuningCompleted() {
        return TuningCompleted.newBuilder().setHeader(newHeader()).setSearchId(MODEL + "-tune-0f1e2d3c4b5a").setModelName(MODEL)
                .setDatasetName(DATASET).setDatasetVersion(DATASET_VERSION).setBackend("local").setTrials(9).setStoppedEarly(5)
                .setBestTrialId(MODEL + "-tune-0f1e2d3c4b5a-t0").setBestParameters(Map.of("learningRate", "0.003", "batchSize", "32"))
                .setBestValidationAccuracy(0.97).setDurationMillis(60_000);
    }

    public static OperatorCommandIssued.Builder operatorCommandIssued() {
        return OperatorCommandIssued.newBuilder().setHeader(newHeader()).setModelName(MODEL).setAction(OperatorAction.PAUSE)
                .setActor("writer#1a2b3c4d").setRole("writer").setReason("hold on");
    }

    public static RegistryCommandIssued.Builder registryCommandIssued() {
        return RegistryCommandIssued.newBuilder().setHeader(newHeader()).setModelName(MODEL).setAction(RegistryAction.SET_ALIAS)
                .setAlias("champion").setVersion("v1").setActor("writer:ops-1").setRole("writer").setReason("pin the known good one");
    }

    public static RegistryState.Builder registryState() {
        return RegistryState.newBuilder().setHeader(newHeader()).setModelName(MODEL)
                .setVersions(List.of(RegistryVersion.newBuilder().setVersion("v1").setStage("PRODUCTION").setModelUri(MODEL_URI).build()))
                .setAliases(List.of(new RegistryAlias("champion", "v1",
                        new RegistryMark("writer:ops-1", java.time.Instant.parse("2026-01-01T00:00:00Z"), "pin", "c-1"))));
    }

    public static DeploymentState.Builder deploymentState() {
        return DeploymentState.newBuilder().setHeader(newHeader()).setModelName(MODEL).setRevision(1).setPhase(ReleasePhase.CANARY)
                .setRoutes(List.of(new Route("v1", RouteRole.STABLE, 90, MODEL_URI), new Route("v2", RouteRole.CANARY, 10, MODEL_URI)))
                .setSteps(List.of(10, 25, 50, 100)).setStepIndex(0).setReason("canary started");
    }

    public static PredictionServed.Builder predictionServed() {
        return PredictionServed.newBuilder().setHeader(newHeader()).setRequestId(UUID.randomUUID().toString()).setModelName(MODEL)
                .setModelVersion("v1").setRole(RouteRole.STABLE).setOutcome(PredictionOutcome.OK).setLatencyMicros(2500)
                .setBatchSize(1).setPredictedClass("a").setConfidence(0.93).setInputStats(Map.of("mean", 0.4));
    }

    public static PredictionFeedback.Builder predictionFeedback() {
        return PredictionFeedback.newBuilder().setHeader(newHeader()).setRequestId(UUID.randomUUID().toString()).setModelName(MODEL)
                .setTrueLabel("a");
    }

    public static CanaryHealthy.Builder canaryHealthy() {
        return CanaryHealthy.newBuilder().setHeader(newHeader()).setModelName(MODEL).setCanaryVersion("v2").setStableVersion("v1")
                .setStepIndex(0).setWindow(window()).setChecks(List.of(check("error-rate", CheckDecision.PASS))).setReason("healthy");
    }

    public static CanaryDegraded.Builder canaryDegraded() {
        return CanaryDegraded.newBuilder().setHeader(newHeader()).setModelName(MODEL).setCanaryVersion("v2").setStableVersion("v1")
                .setStepIndex(0).setWindow(window()).setChecks(List.of(check("error-rate", CheckDecision.FAIL)))
                .setReason("error rate 5.0% vs 1.0%");
    }

    public static CanaryInconclusive.Builder canaryInconclusive() {
        return CanaryInconclusive.newBuilder().setHeader(newHeader()).setModelName(MODEL).setCanaryVersion("v2").setStableVersion("v1")
                .setStepIndex(0).setWindow(window()).setChecks(List.of(check("error-rate", CheckDecision.INCONCLUSIVE)))
                .setReason("12 samples < 200");
    }

    public static DriftDetected.Builder driftDetected() {
        return DriftDetected.newBuilder().setHeader(newHeader()).setModelName(MODEL).setModelVersion("v1").setKind(DriftKind.INPUT)
                .setWindow(window()).setChecks(List.of(check("psi", CheckDecision.FAIL))).setReason("psi 0.4 > 0.2");
    }

    /** One valid instance of every event type. */
    public static List<SpecificRecord> oneOfEach() {
        return List.of(datasetReady().build(), datasetRejected().build(), trainingStarted().build(), trainingProgressed().build(),
                trainingCompleted().build(), trainingFailed().build(), retrainingRequested().build(), modelApproved().build(),
                modelRejected().build(), canaryStarted().build(), trafficShifted().build(), modelPromoted().build(),
                rolledBack().build(), releaseHeld().build(), deploymentState().build(), predictionServed().build(),
                predictionFeedback().build(), canaryHealthy().build(), canaryDegraded().build(), canaryInconclusive().build(),
                driftDetected().build(), operatorCommandIssued().build(), registryCommandIssued().build(),
                registryState().build(), tuningRequested().build(), tuningTrialFinished().build(), tuningCompleted().build());
    }
}
