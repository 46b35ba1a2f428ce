package io.sluice.evaluation.messaging;

import java.util.Arrays;
import java.util.List;

import org.apache.avro.specific.SpecificRecord;

import io.sluice.evaluation.domain.ClassificationMetrics;
import io.sluice.evaluation.domain.TrainingSummary;
import io.sluice.evaluation.evaluate.ModelEvaluator;
import io.sluice.events.ChampionComparison;
import io.sluice.events.ClassMetrics;
import io.sluice.events.EpochMetrics;
import io.sluice.events.EvaluationMetrics;
import io.sluice.events.GateResult;
import io.sluice.events.ModelApproved;
import io.sluice.events.ModelRejected;
import io.sluice.events.ReleaseStrategy;
import io.sluice.events.TrainingCompleted;
import io.sluice.platform.events.EventHeaders;

/** Avro ↔ domain mapping of the evaluation: TrainingCompleted in, ModelApproved or ModelRejected out. */
final class Verdicts {

    private Verdicts() {}

    static ModelEvaluator.Candidate candidate(TrainingCompleted event) {
        EpochMetrics best = event.getBestMetrics();
        List<Double> validation = event.getHistory().stream().map(EpochMetrics::getValidationAccuracy).toList();
        return new ModelEvaluator.Candidate(event.getModelName(), event.getModelVersion(), event.getModelUri(), event.getManifestUri(),
                event.getDatasetVersion(), new TrainingSummary(best.getTrainAccuracy(), best.getValidationAccuracy(), validation));
    }

    /** The decision event, caused by the TrainingCompleted it answers. */
    static SpecificRecord toEvent(TrainingCompleted cause, ModelEvaluator.Outcome outcome, boolean championServes, EventHeaders headers) {
        var verdict = outcome.verdict();
        EvaluationMetrics metrics = verdict.metrics() == null ? null : metrics(verdict.metrics());
        List<GateResult> gates = verdict.gates().stream()
                .map(g -> new GateResult(g.gate(), g.value(), g.threshold(), g.comparator(), g.passed(), g.detail())).toList();
        ChampionComparison champion = verdict.champion() == null ? null : new ChampionComparison(verdict.champion().championVersion(),
                verdict.champion().championAccuracy(), verdict.champion().challengerAccuracy(), verdict.champion().margin(),
                verdict.champion().mcnemar().onlyFirstCorrect(), verdict.champion().mcnemar().onlySecondCorrect(),
                verdict.champion().mcnemar().statistic(), verdict.champion().mcnemar().pValue(), verdict.champion().challengerNotWorse());
        String metricsUri = outcome.metricsUri() == null ? null : outcome.metricsUri().toString();
        String pngUri = outcome.confusionMatrixUri() == null ? null : outcome.confusionMatrixUri().toString();
        if (verdict.approved()) {
            return ModelApproved.newBuilder()
                    .setHeader(headers.causedBy(cause.getHeader()))
                    .setModelName(cause.getModelName()).setModelVersion(cause.getModelVersion()).setRunId(cause.getRunId())
                    .setDatasetName(cause.getDatasetName()).setDatasetVersion(cause.getDatasetVersion())
                    .setParentModelVersion(cause.getParentModelVersion()).setModelUri(cause.getModelUri())
                    .setMetrics(metrics).setGates(gates).setChampion(champion)
                    .setConfusionMatrixUri(pngUri).setMetricsUri(metricsUri)
                    .setStrategy(championServes ? ReleaseStrategy.CANARY : ReleaseStrategy.IMMEDIATE)
                    .build();
        }
        return ModelRejected.newBuilder()
                .setHeader(headers.causedBy(cause.getHeader()))
                .setModelName(cause.getModelName()).setModelVersion(cause.getModelVersion()).setRunId(cause.getRunId())
                .setDatasetName(cause.getDatasetName()).setDatasetVersion(cause.getDatasetVersion())
                .setParentModelVersion(cause.getParentModelVersion()).setModelUri(cause.getModelUri())
                .setMetrics(metrics).setGates(gates).setChampion(champion)
                .setConfusionMatrixUri(pngUri).setMetricsUri(metricsUri)
                .setReasons(verdict.reasons())
                .build();
    }

    static EvaluationMetrics metrics(ClassificationMetrics m) {
        return EvaluationMetrics.newBuilder()
                .setTestSamples(m.testSamples()).setAccuracy(m.accuracy())
                .setMacroPrecision(m.macroPrecision()).setMacroRecall(m.macroRecall()).setMacroF1(m.macroF1())
                .setMcc(m.mcc()).setLoss(m.loss())
                .setPerClass(m.perClass().stream().map(c -> new ClassMetrics(c.label(), c.precision(), c.recall(), c.f1(), c.support())).toList())
                .setClassNames(m.classNames())
                .setConfusionMatrix(Arrays.stream(m.confusionMatrix()).map(row -> Arrays.stream(row).boxed().toList()).toList())
                .build();
    }
}
