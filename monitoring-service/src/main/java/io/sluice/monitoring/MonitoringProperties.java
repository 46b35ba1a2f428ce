package io.sluice.monitoring;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the monitoring-service (prefix {@code sluice.monitoring}).
 *
 * @param minSamples fewest canary requests before a verdict other than inconclusive
 * @param window length of the aggregation windows
 */
@Validated
@ConfigurationProperties("sluice.monitoring")
public record MonitoringProperties(@DefaultValue("200") @Positive long minSamples,
                                   @DefaultValue("30s") @NotNull Duration window) {}
