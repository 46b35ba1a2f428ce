package io.sluice.ingest;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the ingest-service (prefix {@code sluice.ingest}).
 *
 * @param rawBucket raw-data bucket (or prefix) that uploads land in; datasets live under datasets/<name>/
 * @param trainingBucket bucket that validated dataset manifests are written to
 * @param quietPeriod a dataset without a completion marker is complete after this long without new objects
 */
@Validated
@ConfigurationProperties("sluice.ingest")
public record IngestProperties(@NotNull URI rawBucket,
                               @NotNull URI trainingBucket,
                               @NotNull @DefaultValue("30s") Duration quietPeriod) {}
