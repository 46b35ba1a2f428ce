package io.sluice.monitoring;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import io.sluice.monitoring.domain.CanaryPolicy;
import io.sluice.monitoring.domain.DriftPolicy;

/**
 * Settings of the monitoring-service (prefix {@code sluice.monitoring}).
 *
 * @param minSamples       fewest requests on each side (canary and stable) of a step, served at the step's routing revision or
 *                         later, before a verdict other than inconclusive
 * @param window           length of the Kafka Streams aggregation windows (the analysis merges every window of a release step)
 * @param grace            how late a record may arrive (by its event time) and still count in its window
 * @param retention        how long windows are kept in the state store (the longest analysable step)
 * @param analysisInterval how often every canary is analysed
 * @param inconclusiveEvery how often an undecided step repeats its CanaryInconclusive event (the first one after this long)
 * @param feedbackWindow   how long after a prediction its feedback label may arrive and still be joined
 * @param productionWatch  how long after a promotion the new production version is compared with its predecessor's
 *                         traffic before the promotion (that long before it); 0 turns the production check off
 * @param stateDir         where Kafka Streams keeps its local state
 * @param topics           topic names
 * @param canary           canary analysis thresholds
 * @param drift            drift and retraining settings
 */
@Validated
@ConfigurationProperties("sluice.monitoring")
public record MonitoringProperties(@DefaultValue("100") @Positive long minSamples,
                                   @DefaultValue("10s") @NotNull Duration window,
                                   @DefaultValue("30s") @NotNull Duration grace,
                                   @DefaultValue("6h") @NotNull Duration retention,
                                   @DefaultValue("1s") @NotNull Duration analysisInterval,
                                   @DefaultValue("30s") @NotNull Duration inconclusiveEvery,
                                   @DefaultValue("10m") @NotNull Duration feedbackWindow,
                                   @DefaultValue("10m") @NotNull Duration productionWatch,
                                   @NotBlank String stateDir,
                                   @Valid @NotNull Topics topics,
                                   @Valid @DefaultValue Canary canary,
                                   @Valid @DefaultValue Drift drift) {

    /**
     * Topic names (set in application.yaml).
     *
     * @param predictions     PredictionServed, key model name
     * @param feedback        PredictionFeedback, key model name (older records keyed by request id are re-keyed)
     * @param deploymentState DeploymentState (compacted), key model name
     * @param monitoring      where verdicts and DriftDetected go, key model name
     * @param training        where RetrainingRequested goes, key model name
     * @param deployments     release history (ModelPromoted tells who the predecessor is), key model name
     */
    public record Topics(@NotBlank String predictions, @NotBlank String feedback, @NotBlank String deploymentState,
                         @NotBlank String monitoring, @NotBlank String training, @NotBlank String deployments) {}

    /**
     * Canary analysis thresholds; see {@link CanaryPolicy} for their meaning.
     *
     * @param alpha                  false-alarm probability of each sequential test
     * @param beta                   miss probability of each sequential test at its design effect
     * @param errorRateTolerance     tolerated error-rate increase over stable (absolute)
     * @param errorRateDegradation   error-rate increase the test is designed to catch (absolute)
     * @param errorRateCeiling       error rate never tolerated
     * @param latencyTailTolerance   tolerated share above stable's p95/p99, as a multiple of the tail
     * @param latencyTailDegradation share above stable's p95/p99 the test is designed to catch, as a multiple of the tail
     * @param latencyToleranceRatio  relative slowdown of stable's p95/p99 that is still fine
     * @param latencyTolerance       absolute slowdown of stable's p95/p99 that is still fine (the larger of the two applies)
     * @param latencyCeiling         latency quantile never tolerated
     * @param confidenceTolerance    tolerated drop of mean confidence (absolute)
     * @param accuracyTolerance      tolerated drop of feedback accuracy (absolute)
     * @param minLabels              fewest feedback labels on each side before accuracy is judged
     * @param psiThreshold           prediction-distribution PSI above which the canary fails
     * @param minStepDuration        a step is called healthy only after it has run this long (a degradation may be called earlier)
     * @param capacityTolerance      excess share of capacity refusals over stable's that holds a healthy verdict (never degrades)
     * @param minAgreement           shadow releases: lowest share of shadow answers agreeing with stable's on the same requests
     * @param recent                 longest trailing range judged beside the step's totals (the last 1, 2, 4 ... windows up to
     *                               this long, each against stable over the same range); 0 turns the recent judgement off
     * @param recentAlphaShare       share of alpha spent on the recent judgement (the totals get the rest)
     */
    public record Canary(@DefaultValue("0.005") @DecimalMin("0.00001") @DecimalMax("0.5") double alpha,
                         @DefaultValue("0.05") @DecimalMin("0.00001") @DecimalMax("0.5") double beta,
                         @DefaultValue("0.005") @DecimalMin("0") double errorRateTolerance,
                         @DefaultValue("0.03") @DecimalMin("0") double errorRateDegradation,
                         @DefaultValue("0.10") @DecimalMin("0") @DecimalMax("1") double errorRateCeiling,
                         @DefaultValue("1") @DecimalMin("1") double latencyTailTolerance,
                         @DefaultValue("3") @DecimalMin("1") double latencyTailDegradation,
                         @DefaultValue("0.1") @DecimalMin("0") double latencyToleranceRatio,
                         @DefaultValue("10ms") @NotNull Duration latencyTolerance,
                         @DefaultValue("2s") @NotNull Duration latencyCeiling,
                         @DefaultValue("0.05") @DecimalMin("0") double confidenceTolerance,
                         @DefaultValue("0.05") @DecimalMin("0") double accuracyTolerance,
                         @DefaultValue("100") @Positive long minLabels,
                         @DefaultValue("0.25") @Positive double psiThreshold,
                         @DefaultValue("30s") @NotNull Duration minStepDuration,
                         @DefaultValue("0.05") @DecimalMin("0") @DecimalMax("1") double capacityTolerance,
                         @DefaultValue("0.8") @DecimalMin("0") @DecimalMax("1") double minAgreement,
                         @DefaultValue("160s") @NotNull Duration recent,
                         @DefaultValue("0.5") @DecimalMin("0") @DecimalMax("0.99") double recentAlphaShare) {}

    /**
     * Drift and retraining settings; see {@link DriftPolicy}.
     *
     * @param interval          how often production versions are checked for drift
     * @param range             how much recent traffic a drift check looks at
     * @param minSamples        fewest live requests before input and prediction drift are judged
     * @param inputShift        standardised mean shift above which an input drifted
     * @param psiThreshold      PSI of live predicted classes against training class shares above which predictions drifted
     * @param minLabels         fewest feedback labels before accuracy is judged
     * @param accuracyFloor     approval level used when the model card has none (0..1)
     * @param accuracyTolerance how far below the approval level live accuracy may fall
     * @param retrainCooldown   at most one RetrainingRequested per model within this period
     * @param minSpan           the live traffic judged must span at least this long (first to last request)
     */
    public record Drift(@DefaultValue("1m") @NotNull Duration interval,
                        @DefaultValue("15m") @NotNull Duration range,
                        @DefaultValue("200") @Positive long minSamples,
                        @DefaultValue("0.5") @Positive double inputShift,
                        @DefaultValue("0.25") @Positive double psiThreshold,
                        @DefaultValue("50") @Positive long minLabels,
                        @DefaultValue("0.8") @DecimalMin("0") @DecimalMax("1") double accuracyFloor,
                        @DefaultValue("0.05") @DecimalMin("0") double accuracyTolerance,
                        @DefaultValue("6h") @NotNull Duration retrainCooldown,
                        @DefaultValue("2m") @NotNull Duration minSpan) {}

    /** The canary thresholds as the domain takes them. */
    public CanaryPolicy canaryPolicy() {
        return new CanaryPolicy(minSamples, canary.alpha(), canary.beta(), canary.errorRateTolerance(),
                canary.errorRateDegradation(), canary.errorRateCeiling(), canary.latencyTailTolerance(),
                canary.latencyTailDegradation(), canary.latencyToleranceRatio(), canary.latencyTolerance().toNanos() / 1e6,
                canary.latencyCeiling().toMillis(), canary.confidenceTolerance(),
                canary.accuracyTolerance(), canary.minLabels(), canary.psiThreshold(), canary.capacityTolerance(),
                canary.minAgreement(), canary.minStepDuration().toMillis(), canary.recent().toMillis(), canary.recentAlphaShare());
    }

    /** The drift thresholds as the domain takes them. */
    public DriftPolicy driftPolicy() {
        return new DriftPolicy(drift.minSamples(), drift.inputShift(), drift.psiThreshold(), drift.minLabels(),
                drift.accuracyFloor(), drift.accuracyTolerance(), drift.minSpan().toMillis());
    }
}
