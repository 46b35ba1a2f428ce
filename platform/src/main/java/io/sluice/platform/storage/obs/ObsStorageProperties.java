package io.sluice.platform.storage.obs;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the {@code obs:} store (prefix {@code sluice.storage.obs}); the store is registered
 * when an endpoint is set.
 *
 * @param endpoint    OBS endpoint, e.g. {@code https://obs.eu-de.otc.t-systems.com}; empty disables the store
 * @param accessKey   access key id (env SLUICE_OBS_ACCESS_KEY); never logged
 * @param secretKey   secret access key (env SLUICE_OBS_SECRET_KEY); never logged
 * @param pathStyle   path-style addressing (S3-compatible test servers); OBS itself uses virtual hosts
 * @param authType    request signing: OBS, V2 or V4
 * @param timeout     connect and socket timeout, and the limit of one call
 * @param maxAttempts attempts per call, retrying throttling, server errors and timeouts
 */
@ConfigurationProperties("sluice.storage.obs")
public record ObsStorageProperties(@DefaultValue("") String endpoint,
                                   @DefaultValue("") String accessKey,
                                   @DefaultValue("") String secretKey,
                                   @DefaultValue("false") boolean pathStyle,
                                   @DefaultValue("OBS") String authType,
                                   @DefaultValue("30s") Duration timeout,
                                   @DefaultValue("3") int maxAttempts) {

    @Override
    public String toString() {
        return "ObsStorageProperties[endpoint=" + endpoint + ", accessKey=" + (accessKey.isEmpty() ? "" : "***")
                + ", secretKey=" + (secretKey.isEmpty() ? "" : "***") + ", pathStyle=" + pathStyle + ", authType=" + authType
                + ", timeout=" + timeout + ", maxAttempts=" + maxAttempts + "]";
    }
}
