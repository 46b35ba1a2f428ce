package io.sluice.training.command;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import io.sluice.platform.storage.ObjectStoreAdapter;
import io.sluice.platform.storage.gcs.GcsObjectStore;
import io.sluice.platform.storage.gcs.GcsStorageProperties;
import io.sluice.platform.storage.obs.ObsObjectStore;
import io.sluice.platform.storage.obs.ObsStorageProperties;

/**
 * The cloud object stores the {@code train} command needs for its {@code --dataset} and {@code --output}
 * URIs, set up with the services' property names ({@code sluice.storage.gcs.*}, {@code sluice.storage.obs.*})
 * read from Java system properties and environment variables (relaxed names such as
 * {@code SLUICE_STORAGE_OBS_ENDPOINT}; {@code SLUICE_OBS_ACCESS_KEY}/{@code SLUICE_OBS_SECRET_KEY} as in
 * platform's README). {@code gs:} uses Application Default Credentials (on Vertex AI: the job's service account).
 */
final class CommandStores {

    private CommandStores() {}

    /** Thrown when a URI's store cannot be set up; the message says what to configure (never a secret). */
    static final class NotConfigured extends RuntimeException {
        NotConfigured(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** An adapter for every cloud scheme among the URIs ({@code file:} is always served by the caller). */
    static List<ObjectStoreAdapter> forUris(Set<String> schemes, Map<String, String> env) {
        List<ObjectStoreAdapter> stores = new ArrayList<>();
        Binder binder = binder(env);
        if (schemes.contains("gs")) {
            GcsStorageProperties gcs = binder.bindOrCreate("sluice.storage.gcs", Bindable.of(GcsStorageProperties.class));
            try {
                var options = com.google.cloud.storage.StorageOptions.newBuilder()
                        .setRetrySettings(com.google.cloud.ServiceOptions.getNoRetrySettings()); // the store retries
                if (!gcs.projectId().isEmpty()) {
                    options.setProjectId(gcs.projectId());
                }
                if (!gcs.endpoint().isEmpty()) {
                    options.setHost(gcs.endpoint());
                }
                stores.add(new GcsObjectStore(options.build().getService(), gcs.timeout(), gcs.maxAttempts()));
            } catch (RuntimeException e) {
                throw new NotConfigured("cannot set up Cloud Storage for gs: URIs: " + e.getMessage()
                        + " (credentials: the job's service account, or GOOGLE_APPLICATION_CREDENTIALS)", e);
            }
        }
        if (schemes.contains("obs")) {
            ObsStorageProperties obs = binder.bindOrCreate("sluice.storage.obs", Bindable.of(ObsStorageProperties.class));
            if (obs.endpoint().isBlank() || obs.accessKey().isBlank() || obs.secretKey().isBlank()) {
                throw new NotConfigured("obs: URIs need SLUICE_STORAGE_OBS_ENDPOINT and credentials (SLUICE_STORAGE_OBS_ACCESS_KEY and "
                        + "SLUICE_STORAGE_OBS_SECRET_KEY, or SLUICE_OBS_ACCESS_KEY and SLUICE_OBS_SECRET_KEY)", null);
            }
            try {
                stores.add(ObsObjectStore.create(obs));
            } catch (RuntimeException e) {
                throw new NotConfigured("cannot set up OBS at " + obs.endpoint() + ": " + e.getMessage(), e);
            }
        }
        return stores;
    }

    private static Binder binder(Map<String, String> env) {
        MutablePropertySources sources = new MutablePropertySources();
        Map<String, Object> system = new HashMap<>();
        System.getProperties().forEach((key, value) -> {
            if (String.valueOf(key).startsWith("sluice.")) {
                system.put(String.valueOf(key), value);
            }
        });
        sources.addLast(new MapPropertySource("system", system));
        sources.addLast(new SystemEnvironmentPropertySource("environment", new HashMap<>(env)));
        Map<String, Object> aliases = new HashMap<>();
        alias(env, "SLUICE_OBS_ACCESS_KEY", "sluice.storage.obs.access-key", aliases);
        alias(env, "SLUICE_OBS_SECRET_KEY", "sluice.storage.obs.secret-key", aliases);
        sources.addLast(new MapPropertySource("environment-aliases", aliases));
        return new Binder(ConfigurationPropertySources.from(sources), null, ApplicationConversionService.getSharedInstance());
    }

    private static void alias(Map<String, String> env, String variable, String property, Map<String, Object> into) {
        String value = env.get(variable);
        if (value != null && !value.isBlank()) {
            into.put(property, value);
        }
    }

    /** The scheme of a URI given on the command line ({@code file} when it has none). */
    static String scheme(String uri) {
        String scheme = URI.create(uri).getScheme();
        return scheme == null ? "file" : scheme;
    }
}
