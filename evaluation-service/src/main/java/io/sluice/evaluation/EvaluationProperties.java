package io.sluice.evaluation;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the evaluation-service (prefix {@code sluice.evaluation}).
 *
 * @param minAccuracy lowest test-split accuracy that can be approved (0..1)
 * @param maxLoss highest test-split cross-entropy that can be approved
 */
@Validated
@ConfigurationProperties("sluice.evaluation")
public record EvaluationProperties(@DefaultValue("0.95") @DecimalMin("0") @DecimalMax("1") double minAccuracy,
                                   @DefaultValue("0.1") @Positive double maxLoss) {}
