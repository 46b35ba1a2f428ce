package io.sluice.training;

import java.net.URI;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the training-service (prefix {@code sluice.training}).
 *
 * @param modelsBucket bucket that model versions are written to (models/<model>/<version>/)
 * @param maxConcurrentRuns training runs that may execute at once; further runs queue
 */
@Validated
@ConfigurationProperties("sluice.training")
public record TrainingProperties(@NotNull URI modelsBucket,
                                 @DefaultValue("1") @Positive int maxConcurrentRuns) {}
