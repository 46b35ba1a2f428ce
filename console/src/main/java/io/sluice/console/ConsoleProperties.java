package io.sluice.console;

import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the console (prefix {@code sluice.console}).
 *
 * @param recentEvents events kept in memory for a new browser session
 */
@Validated
@ConfigurationProperties("sluice.console")
public record ConsoleProperties(@DefaultValue("500") @Positive int recentEvents) {}
