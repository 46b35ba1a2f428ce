package io.sluice.platform.storage.gcs;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the {@code gs:} store (prefix {@code sluice.storage.gcs}); credentials come from
 * Application Default Credentials.
 *
 * @param enabled     register the {@code gs:} store
 * @param projectId   Google Cloud project; empty uses the environment's default
 * @param endpoint    API endpoint override (an emulator); empty uses Google's
 * @param timeout     limit of one storage call (not of reading a whole object stream)
 * @param maxAttempts attempts per call, retrying throttling, server errors and timeouts
 */
@ConfigurationProperties("sluice.storage.gcs")
public record GcsStorageProperties(@DefaultValue("false") boolean enabled,
                                   @DefaultValue("") String projectId,
                                   @DefaultValue("") String endpoint,
                                   @DefaultValue("30s") Duration timeout,
                                   @DefaultValue("3") int maxAttempts) {}
