package io.sluice.evaluation.domain;

import java.time.Instant;
import java.util.List;

/**
 * What the registry knows about one version of a model; fields not yet seen are null.
 *
 * @param modelName      model name
 * @param version        version
 * @param stage          lifecycle stage now
 * @param runId          training run that produced it
 * @param datasetName    dataset it was trained on
 * @param datasetVersion dataset version it was trained on
 * @param parentVersion  version it was warm-started from, or null
 * @param modelUri       prefix of the version in the models bucket
 * @param trainedAt      when training completed
 * @param decision       the evaluation's decision, null until decided
 * @param history        every stage change, oldest first
 * @param blocked        who blocked it, when and why; null when it may be deployed
 * @param notes          operators' notes, oldest first
 */
public record ModelVersion(String modelName, String version, Stage stage, String runId, String datasetName, String datasetVersion,
                           String parentVersion, String modelUri, Instant trainedAt, Decision decision, List<StageChange> history,
                           Mark blocked, List<Mark> notes) {

    /** A version first seen now: candidate, nothing else known. */
    static ModelVersion unknown(String modelName, String version, String modelUri) {
        return new ModelVersion(modelName, version, Stage.CANDIDATE, null, null, null, null, modelUri, null, null, List.of(), null, List.of());
    }

    ModelVersion withLineage(ModelRegistry.Trained t) {
        return new ModelVersion(modelName, version, stage, t.runId(), t.datasetName(), t.datasetVersion(), t.parentVersion(), t.modelUri(),
                t.at(), decision, history, blocked, notes);
    }

    ModelVersion withDecision(Decision newDecision) {
        return new ModelVersion(modelName, version, stage, runId, datasetName, datasetVersion, parentVersion, modelUri, trainedAt,
                newDecision, history, blocked, notes);
    }

    ModelVersion withStage(Stage newStage, List<StageChange> newHistory) {
        return new ModelVersion(modelName, version, newStage, runId, datasetName, datasetVersion, parentVersion, modelUri, trainedAt,
                decision, newHistory, blocked, notes);
    }

    ModelVersion withMarks(Mark newBlocked, List<Mark> newNotes) {
        return new ModelVersion(modelName, version, stage, runId, datasetName, datasetVersion, parentVersion, modelUri, trainedAt,
                decision, history, newBlocked, List.copyOf(newNotes));
    }

    /**
     * The evaluation's decision.
     *
     * @param approved           whether every gate passed
     * @param accuracy           test accuracy (null when the model could not be scored)
     * @param loss               test cross-entropy (null when not scored)
     * @param macroF1            macro F1 (null when not scored)
     * @param mcc                Matthews correlation coefficient (null when not scored)
     * @param gates              every gate with value, threshold, comparator and result
     * @param reasons            failed gates or evaluation errors
     * @param championVersion    version it was compared with, or null
     * @param metricsUri         the metrics JSON, or null
     * @param confusionMatrixUri the confusion-matrix PNG, or null
     * @param decidedAt          when the decision was made
     */
    public record Decision(boolean approved, Double accuracy, Double loss, Double macroF1, Double mcc, List<GateResult> gates,
                           List<String> reasons, String championVersion, String metricsUri, String confusionMatrixUri,
                           Instant decidedAt) {}

    /**
     * One stage change.
     *
     * @param stage  the new stage
     * @param at     when the event that caused it happened
     * @param reason why, in a few words
     */
    public record StageChange(Stage stage, Instant at, String reason) {}
}
