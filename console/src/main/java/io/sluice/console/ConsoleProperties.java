package io.sluice.console;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;


/**
 * Settings of the console (prefix {@code sluice.console}).
 *
 * @param recentEvents   pipeline events kept in memory for the live view (telemetry keeps as many again)
 * @param runs           pipeline runs (correlation ids) whose timelines are kept in memory
 * @param deploymentUrl  the deployment service, for the admin buttons
 * @param inferenceUrl   the inference service, for the predict page
 * @param evaluationUrl  the evaluation service, for the model registry (aliases, blocks, notes)
 * @param sessionTtl     how long a sign-in lasts (the signed session cookie's lifetime)
 * @param inferenceApiKey API key the predict page sends to the inference service ({@code X-API-Key}) where it requires
 *                       one; empty (default): the signed-in user's session is forwarded instead
 */
@Validated
@ConfigurationProperties("sluice.console")
public record ConsoleProperties(@DefaultValue("500") @Positive int recentEvents,
                                @DefaultValue("200") @Positive int runs,
                                @DefaultValue("http://localhost:8083") @NotNull URI deploymentUrl,
                                @DefaultValue("http://localhost:8082") @NotNull URI inferenceUrl,
                                @DefaultValue("http://localhost:8085") @NotNull URI evaluationUrl,
                                @DefaultValue("12h") @NotNull Duration sessionTtl,
                                @DefaultValue("") String inferenceApiKey) {}
