package io.sluice.inference;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the inference-service (prefix {@code sluice.inference}).
 *
 * @param modelCacheDir local folder that model artifacts are cached in
 * @param maxBatchSize most requests grouped into one forward pass
 * @param maxQueueDelay longest a request waits for others to join its batch
 */
@Validated
@ConfigurationProperties("sluice.inference")
public record InferenceProperties(@NotNull Path modelCacheDir,
                                  @DefaultValue("32") @Positive int maxBatchSize,
                                  @DefaultValue("5ms") @NotNull Duration maxQueueDelay) {}
