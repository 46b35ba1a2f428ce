package io.sluice.evaluation.evaluate;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sluice.evaluation.djl.DjlScorer;
import io.sluice.evaluation.domain.GateResult;
import io.sluice.evaluation.domain.GateSettings;
import io.sluice.evaluation.domain.Gates;
import io.sluice.evaluation.domain.ScoredSamples;
import io.sluice.evaluation.domain.TrainingSummary;
import io.sluice.evaluation.domain.Verdict;
import io.sluice.evaluation.report.ConfusionMatrixImage;
import io.sluice.evaluation.report.MetricsReport;
import io.sluice.platform.datasets.DatasetManifest;
import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.storage.ObjectStore;
import io.sluice.platform.security.LogSafe;

/**
 * Evaluates one trained version: reads the dataset manifest, scores the challenger (and the
 * champion, when one serves) on its test split, applies the gates and writes
 * {@value #CONFUSION_MATRIX_FILE} and {@value #METRICS_FILE} into the version's folder. Never
 * throws for bad input: anything that prevents scoring becomes a rejection with the reason.
 */
public final class ModelEvaluator {

    /** The confusion-matrix PNG's file name in the model folder. */
    public static final String CONFUSION_MATRIX_FILE = "confusion-matrix.png";
    /** The metrics JSON's file name in the model folder. */
    public static final String METRICS_FILE = "metrics.json";

    private static final Logger log = LoggerFactory.getLogger(ModelEvaluator.class);

    private final ObjectStore store;
    private final DjlScorer scorer;

    public ModelEvaluator(ObjectStore store, DjlScorer scorer) {
        this.store = store;
        this.scorer = scorer;
    }

    /**
     * A version to evaluate.
     *
     * @param modelName      model name
     * @param version        model version
     * @param modelUri       prefix of the version in the models bucket
     * @param manifestUri    the dataset manifest it was trained on
     * @param datasetVersion the dataset version (for the report)
     * @param training       what training reported
     */
    public record Candidate(String modelName, String version, String modelUri, String manifestUri, String datasetVersion,
                            TrainingSummary training) {}

    /**
     * The production model to compare with.
     *
     * @param version  its version
     * @param modelUri its prefix in the models bucket
     */
    public record Champion(String version, String modelUri) {}

    /**
     * The decision and where its reports were written.
     *
     * @param verdict            the decision
     * @param metricsUri         the metrics JSON, or null when nothing could be scored or written
     * @param confusionMatrixUri the PNG, or null likewise
     */
    public record Outcome(Verdict verdict, URI metricsUri, URI confusionMatrixUri) {}

    /**
     * Evaluates a candidate.
     *
     * @param champion the production model, or null when none serves (or it is this very version)
     */
    public Outcome evaluate(Candidate candidate, Champion champion, GateSettings settings) {
        URI modelUri;
        DatasetManifest manifest;
        try {
            modelUri = folder(candidate.modelUri());
        } catch (RuntimeException e) {
            return new Outcome(Verdict.failed("model URI '" + candidate.modelUri() + "' is not usable: " + e.getMessage()), null, null);
        }
        try {
            manifest = DatasetManifest.fromJson(store.read(URI.create(candidate.manifestUri())));
        } catch (IOException | RuntimeException e) {
            return new Outcome(Verdict.failed("the dataset manifest " + candidate.manifestUri() + " cannot be read: " + message(e)), null, null);
        }
        ScoredSamples challenger;
        try {
            challenger = scorer.score(modelUri, candidate.modelName(), candidate.version(), manifest).samples();
        } catch (IOException | RuntimeException e) {
            return new Outcome(Verdict.failed("model " + candidate.modelName() + "/" + candidate.version() + " cannot be evaluated: " + message(e)),
                    null, null);
        }
        if (challenger.size() == 0) {
            return new Outcome(Verdict.failed("the test split of " + manifest.name() + "@" + manifest.version() + " is empty"), null, null);
        }
        Verdict verdict;
        if (champion == null) {
            verdict = Gates.decide(settings, challenger, candidate.training(), null, null);
        } else {
            ScoredSamples championScores = null;
            String championError = null;
            try {
                championScores = scorer.score(folder(champion.modelUri()), candidate.modelName(), champion.version(), manifest).samples();
            } catch (IOException | RuntimeException e) {
                championError = message(e);
            }
            if (championScores != null) {
                verdict = Gates.decide(settings, challenger, candidate.training(), champion.version(), championScores);
            } else {
                // fail closed: without a comparison a lucky run could replace a better production model
                Verdict alone = Gates.decide(settings, challenger, candidate.training(), null, null);
                List<GateResult> gates = new ArrayList<>(alone.gates());
                GateResult failed = new GateResult("champion-comparison", 0, 1, ">=", false,
                        "champion " + champion.version() + " could not be scored on the same test split: " + championError);
                gates.add(failed);
                List<String> reasons = new ArrayList<>(alone.reasons());
                reasons.add(failed.gate() + ": " + failed.detail());
                verdict = new Verdict(false, alone.metrics(), gates, null, reasons);
            }
        }
        URI metricsUri = ObjectKeys.resolve(modelUri, METRICS_FILE);
        URI pngUri = ObjectKeys.resolve(modelUri, CONFUSION_MATRIX_FILE);
        try {
            store.put(pngUri, ConfusionMatrixImage.render(
                    ConfusionMatrixImage.title(candidate.modelName(), candidate.version(), verdict.metrics().accuracy()),
                    verdict.metrics().classNames(), verdict.metrics().confusionMatrix()));
            store.put(metricsUri, MetricsReport.toJson(candidate.modelName(), candidate.version(), candidate.datasetVersion(), verdict));
        } catch (IOException | RuntimeException e) {
            log.warn("could not write the evaluation reports of {}/{} to {}: {}", LogSafe.text(candidate.modelName()), LogSafe.text(candidate.version()), LogSafe.text(modelUri), LogSafe.text(message(e)));
            return new Outcome(verdict, null, null);
        }
        return new Outcome(verdict, metricsUri, pngUri);
    }

    private static URI folder(String uri) {
        return URI.create(uri.endsWith("/") ? uri : uri + "/");
    }

    private static String message(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
