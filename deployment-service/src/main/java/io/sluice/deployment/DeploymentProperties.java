package io.sluice.deployment;

import java.util.List;

import jakarta.validation.constraints.NotEmpty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the deployment-service (prefix {@code sluice.deployment}).
 *
 * @param steps canary weights in percent, walked in order; the last must be 100
 */
@Validated
@ConfigurationProperties("sluice.deployment")
public record DeploymentProperties(@DefaultValue({"10", "25", "50", "100"}) @NotEmpty List<Integer> steps) {}
