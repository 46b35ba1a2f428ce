package io.sluice.evaluation;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import io.sluice.evaluation.domain.GateSettings;

/**
 * Settings of the evaluation-service (prefix {@code sluice.evaluation}). The gate thresholds here
 * are the defaults; {@code sluice.evaluation.models.<name>.*} overrides any of them for one model.
 *
 * @param minAccuracy          lowest test-split accuracy that can be approved (0..1, default 0.95)
 * @param maxLoss              highest test-split mean cross-entropy (natural log) that can be approved (default 0.1)
 * @param maxOverfitGap        largest train − validation accuracy gap of the kept epoch (0..1, default 0.1)
 * @param stabilityEpochs      how many of the last epochs validation accuracy must be stable over (>= 2, default 3)
 * @param maxValidationSwing   largest max − min validation accuracy over those epochs (0..1, default 0.05)
 * @param championMargin       largest test accuracy drop against the production model tolerated (0..1, default 0.01)
 * @param championSignificance level of the one-sided McNemar test "challenger worse than champion" (default 0.05)
 * @param modelsBucket         the models bucket (decisions are remembered under {@code evaluations/} in it)
 * @param modelCache           local folder verified model copies are kept in
 * @param batchSize            test samples per forward pass (default 64)
 * @param workers              evaluations that run at once (default 1; each holds a model in memory)
 * @param registryTopics       topics the registry projection replays on start (training, evaluations, deployments, routing table,
 *                             registry commands)
 * @param registryStateTopic   the compacted topic the registry's state per model is written to and restored from first
 * @param commandWait          how long a registry command call waits to see its outcome before answering 202 (default 5s)
 * @param models               per-model overrides of the gate thresholds, by model name
 */
@Validated
@ConfigurationProperties("sluice.evaluation")
public record EvaluationProperties(@DefaultValue("0.95") @DecimalMin("0") @DecimalMax("1") double minAccuracy,
                                   @DefaultValue("0.1") @Positive double maxLoss,
                                   @DefaultValue("0.1") @DecimalMin("0") @DecimalMax("1") double maxOverfitGap,
                                   @DefaultValue("3") @Min(2) int stabilityEpochs,
                                   @DefaultValue("0.05") @DecimalMin("0") @DecimalMax("1") double maxValidationSwing,
                                   @DefaultValue("0.01") @DecimalMin("0") @DecimalMax("1") double championMargin,
                                   @DefaultValue("0.05") @DecimalMin("0") @DecimalMax("1") double championSignificance,
                                   @NotNull URI modelsBucket,
                                   @NotNull Path modelCache,
                                   @DefaultValue("64") @Positive int batchSize,
                                   @DefaultValue("1") @Positive int workers,
                                   @NotEmpty List<String> registryTopics,
                                   @NotBlank String registryStateTopic,
                                   @DefaultValue("5s") @NotNull java.time.Duration commandWait,
                                   @DefaultValue Map<String, @Valid ModelGates> models) {

    /**
     * Overrides for one model; a null field keeps the default.
     *
     * @param minAccuracy          see {@link EvaluationProperties#minAccuracy}
     * @param maxLoss              see {@link EvaluationProperties#maxLoss}
     * @param maxOverfitGap        see {@link EvaluationProperties#maxOverfitGap}
     * @param stabilityEpochs      see {@link EvaluationProperties#stabilityEpochs}
     * @param maxValidationSwing   see {@link EvaluationProperties#maxValidationSwing}
     * @param championMargin       see {@link EvaluationProperties#championMargin}
     * @param championSignificance see {@link EvaluationProperties#championSignificance}
     */
    public record ModelGates(@DecimalMin("0") @DecimalMax("1") Double minAccuracy, @Positive Double maxLoss,
                             @DecimalMin("0") @DecimalMax("1") Double maxOverfitGap, @Min(2) Integer stabilityEpochs,
                             @DecimalMin("0") @DecimalMax("1") Double maxValidationSwing,
                             @DecimalMin("0") @DecimalMax("1") Double championMargin,
                             @DecimalMin("0") @DecimalMax("1") Double championSignificance) {}

    /** The gate thresholds of one model: its overrides over the defaults. */
    public GateSettings gatesFor(String modelName) {
        ModelGates o = models == null ? null : models.get(modelName);
        if (o == null) {
            return new GateSettings(minAccuracy, maxLoss, maxOverfitGap, stabilityEpochs, maxValidationSwing, championMargin,
                    championSignificance);
        }
        return new GateSettings(or(o.minAccuracy(), minAccuracy), or(o.maxLoss(), maxLoss), or(o.maxOverfitGap(), maxOverfitGap),
                o.stabilityEpochs() != null ? o.stabilityEpochs() : stabilityEpochs, or(o.maxValidationSwing(), maxValidationSwing),
                or(o.championMargin(), championMargin), or(o.championSignificance(), championSignificance));
    }

    private static double or(Double value, double fallback) {
        return value != null ? value : fallback;
    }
}
