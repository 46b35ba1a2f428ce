package io.sluice.console;

import java.net.URI;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import io.sluice.console.web.Role;

/**
 * Settings of the console (prefix {@code sluice.console}).
 *
 * @param recentEvents   pipeline events kept in memory for the live view (telemetry keeps as many again)
 * @param runs           pipeline runs (correlation ids) whose timelines are kept in memory
 * @param deploymentUrl  the deployment service, for the admin buttons
 * @param inferenceUrl   the inference service, for the predict page
 * @param adminToken     token that signs in as admin; also sent to the deployment service (default: env SLUICE_ADMIN_TOKEN, else
 *                       the file {@code <data dir>/admin-token}); empty: nobody can sign in as admin
 * @param writerToken    token that signs in as writer (may use the predict page); empty: none
 * @param viewerToken    token that signs in as viewer; empty: none
 * @param anonymousRole  role of a browser that has not signed in: {@code VIEWER} (default, the local stack) or {@code NONE}
 * @param inferenceApiKey API key the predict page sends to the inference service ({@code X-API-Key}) where it requires
 *                       one ({@code sluice.inference.api-keys}); empty (default): none sent
 */
@Validated
@ConfigurationProperties("sluice.console")
public record ConsoleProperties(@DefaultValue("500") @Positive int recentEvents,
                                @DefaultValue("200") @Positive int runs,
                                @DefaultValue("http://localhost:8083") @NotNull URI deploymentUrl,
                                @DefaultValue("http://localhost:8082") @NotNull URI inferenceUrl,
                                @DefaultValue("") String adminToken,
                                @DefaultValue("") String writerToken,
                                @DefaultValue("") String viewerToken,
                                @DefaultValue("VIEWER") @NotNull Role anonymousRole,
                                @DefaultValue("") String inferenceApiKey) {}
