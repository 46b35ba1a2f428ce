package io.sluice.evaluation.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.sluice.evaluation.domain.ChampionComparison;
import io.sluice.evaluation.domain.ClassMetrics;
import io.sluice.evaluation.domain.ClassificationMetrics;
import io.sluice.evaluation.domain.GateResult;
import io.sluice.evaluation.domain.Verdict;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The metrics JSON written beside the model: every metric, gate and the champion comparison behind the decision. */
public final class MetricsReport {

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private MetricsReport() {}

    /** The document as UTF-8 JSON. */
    public static byte[] toJson(String modelName, String version, String datasetVersion, Verdict verdict) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("modelName", modelName);
        doc.put("version", version);
        doc.put("datasetVersion", datasetVersion);
        doc.put("approved", verdict.approved());
        doc.put("reasons", verdict.reasons());
        ClassificationMetrics m = verdict.metrics();
        if (m != null) {
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("testSamples", m.testSamples());
            metrics.put("accuracy", m.accuracy());
            metrics.put("macroPrecision", m.macroPrecision());
            metrics.put("macroRecall", m.macroRecall());
            metrics.put("macroF1", m.macroF1());
            metrics.put("mcc", m.mcc());
            metrics.put("loss", m.loss());
            List<Map<String, Object>> perClass = new ArrayList<>();
            for (ClassMetrics c : m.perClass()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("label", c.label());
                row.put("precision", c.precision());
                row.put("recall", c.recall());
                row.put("f1", c.f1());
                row.put("support", c.support());
                perClass.add(row);
            }
            metrics.put("perClass", perClass);
            metrics.put("classNames", m.classNames());
            metrics.put("confusionMatrix", m.confusionMatrix());
            doc.put("metrics", metrics);
        }
        List<Map<String, Object>> gates = new ArrayList<>();
        for (GateResult g : verdict.gates()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("gate", g.gate());
            row.put("value", g.value());
            row.put("threshold", g.threshold());
            row.put("comparator", g.comparator());
            row.put("passed", g.passed());
            row.put("detail", g.detail());
            gates.add(row);
        }
        doc.put("gates", gates);
        ChampionComparison c = verdict.champion();
        if (c != null) {
            Map<String, Object> champion = new LinkedHashMap<>();
            champion.put("championVersion", c.championVersion());
            champion.put("championAccuracy", c.championAccuracy());
            champion.put("challengerAccuracy", c.challengerAccuracy());
            champion.put("margin", c.margin());
            champion.put("onlyChampionCorrect", c.mcnemar().onlyFirstCorrect());
            champion.put("onlyChallengerCorrect", c.mcnemar().onlySecondCorrect());
            champion.put("statistic", c.mcnemar().statistic());
            champion.put("pValue", c.mcnemar().pValue());
            champion.put("pChallengerWorse", c.mcnemar().pSecondWorse());
            champion.put("exactTest", c.mcnemar().exact());
            champion.put("challengerNotWorse", c.challengerNotWorse());
            doc.put("champion", champion);
        }
        return JSON.writeValueAsBytes(doc);
    }
}
