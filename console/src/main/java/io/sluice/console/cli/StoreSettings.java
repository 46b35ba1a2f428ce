package io.sluice.console.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;

import io.sluice.platform.storage.Buckets;
import io.sluice.platform.storage.Buckets.Purpose;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.storage.InvalidBucketSettingException;
import io.sluice.platform.storage.ObjectStoreAdapter;
import io.sluice.platform.storage.gcs.GcsObjectStore;
import io.sluice.platform.storage.gcs.GcsStorageProperties;
import io.sluice.platform.storage.obs.ObsObjectStore;
import io.sluice.platform.storage.obs.ObsStorageProperties;
import io.sluice.platform.storage.retention.Retention;

/**
 * Where {@code sluice upload} writes and {@code sluice gc} sweeps, configured with the services' property names
 * ({@code sluice.buckets.<purpose>}, or {@code sluice.project} and {@code sluice.env} named by platform's
 * {@link Buckets}; {@code sluice.storage.gcs.*}, {@code sluice.storage.obs.*}) from,
 * highest first: command-line flags, Java system properties, environment variables (Spring's relaxed
 * names, e.g. {@code SLUICE_BUCKETS_RAW_DATA}, {@code SLUICE_STORAGE_OBS_ENDPOINT}), a config file
 * ({@code --config} or {@code SLUICE_CONFIG}, YAML or .properties, like a service's application.yaml).
 *
 * @param bucket    the bucket URI (raw-data for upload), ending with '/'
 * @param gcs       settings of the {@code gs:} store
 * @param obs       settings of the {@code obs:} store (also S3-compatible endpoints)
 */
record StoreSettings(URI bucket, GcsStorageProperties gcs, ObsStorageProperties obs) {

    /** platform's {@code Buckets.localName(RAW_DATA)}, as a constant for the help text. */
    static final String LOCAL_RAW_BUCKET = "sluice-local-raw-data";

    /**
     * Resolves the settings.
     *
     * @param context    the CLI's environment
     * @param configFile a config file, or null for {@code SLUICE_CONFIG} (or none)
     * @param flags      properties from flags (highest precedence), by their canonical names
     */
    static StoreSettings resolve(CliContext context, Path configFile, Map<String, Object> flags) {
        return resolve(context, configFile, flags, Purpose.RAW_DATA);
    }

    /** Resolves the settings of one of the four buckets, as {@link #resolve(CliContext, Path, Map)} does the raw-data one. */
    static StoreSettings resolve(CliContext context, Path configFile, Map<String, Object> flags, Purpose purpose) {
        Binder binder = binder(context, configFile, flags);
        try {
            GcsStorageProperties gcs = binder.bindOrCreate("sluice.storage.gcs", Bindable.of(GcsStorageProperties.class));
            ObsStorageProperties obs = binder.bindOrCreate("sluice.storage.obs", Bindable.of(ObsStorageProperties.class));
            // platform's Buckets, as the services name them; the local folder only where a stack runs,
            // so an upload never lands where nothing listens
            String uri = Buckets.resolve(purpose, name -> name.equals(Buckets.LOCAL_ROOT)
                    ? binder.bind(name, Path.class).orElseGet(() -> context.runningStack().dataDir().resolve("buckets"))
                            .toAbsolutePath().toString()
                    : binder.bind(name, String.class).orElse(null));
            return new StoreSettings(withSlash(bucketUri(uri)), gcs, obs);
        } catch (BindException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new CliException("invalid setting " + e.getName() + ": " + cause.getMessage());
        } catch (InvalidBucketSettingException e) {
            throw new CliException(e.getMessage());
        }
    }

    /** Retention ({@code sluice.retention.models}, {@code sluice.retention.staging}) from the same sources, platform's defaults otherwise. */
    static Retention retention(CliContext context, Path configFile, Map<String, Object> flags) {
        Binder binder = binder(context, configFile, flags);
        try {
            return new Retention(binder.bind(Retention.MODELS, Duration.class).orElse(Retention.DEFAULT.models()),
                    binder.bind(Retention.STAGING, Duration.class).orElse(Retention.DEFAULT.staging()),
                    binder.bind(Retention.STAGING_PREFIXES, Bindable.listOf(String.class)).orElse(Retention.DEFAULT.stagingPrefixes()));
        } catch (BindException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new CliException("invalid setting " + e.getName() + ": " + cause.getMessage());
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    private static Binder binder(CliContext context, Path configFile, Map<String, Object> flags) {
        MutablePropertySources sources = new MutablePropertySources();
        sources.addLast(new MapPropertySource("flags", new LinkedHashMap<>(flags)));
        sources.addLast(new MapPropertySource("system", systemProperties()));
        sources.addLast(new SystemEnvironmentPropertySource("environment", new HashMap<>(context.env())));
        Map<String, Object> aliases = new HashMap<>();
        // the names platform's README gives for the OBS credentials
        alias(context, "SLUICE_OBS_ACCESS_KEY", "sluice.storage.obs.access-key", aliases);
        alias(context, "SLUICE_OBS_SECRET_KEY", "sluice.storage.obs.secret-key", aliases);
        sources.addLast(new MapPropertySource("environment-aliases", aliases));
        Path file = configFile != null ? configFile : configFromEnvironment(context);
        if (file != null) {
            for (PropertySource<?> source : load(file)) {
                sources.addLast(source);
            }
        }
        return new Binder(ConfigurationPropertySources.from(sources), new PropertySourcesPlaceholdersResolver(sources),
                ApplicationConversionService.getSharedInstance());
    }

    private static Map<String, Object> systemProperties() {
        Map<String, Object> map = new HashMap<>();
        System.getProperties().forEach((k, v) -> {
            if (String.valueOf(k).startsWith("sluice.")) {
                map.put(String.valueOf(k), v);
            }
        });
        return map;
    }

    private static void alias(CliContext context, String env, String property, Map<String, Object> into) {
        String value = context.env().get(env);
        if (value != null && !value.isBlank()) {
            into.put(property, value);
        }
    }

    private static Path configFromEnvironment(CliContext context) {
        String file = context.env().get("SLUICE_CONFIG");
        return file == null || file.isBlank() ? null : Path.of(file);
    }

    private static List<PropertySource<?>> load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CliException("no config file " + file);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            FileSystemResource resource = new FileSystemResource(file);
            return name.endsWith(".properties") ? new PropertiesPropertySourceLoader().load("config " + file, resource)
                    : new YamlPropertySourceLoader().load("config " + file, resource);
        } catch (IOException | RuntimeException e) {
            throw new CliException("cannot read the config file " + file + ": " + e.getMessage());
        }
    }

    /** A bucket URI as written by people: {@code gs://b/}, {@code obs://b/}, {@code file:/abs/path/} (spaces allowed). */
    static URI bucketUri(String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            if (text.startsWith("file:")) {
                return Path.of(text.substring("file:".length())).toAbsolutePath().toUri();
            }
            throw new CliException("not a bucket URI: " + text + " (" + e.getReason() + ")");
        }
    }

    private static URI withSlash(URI bucket) {
        return bucket.toString().endsWith("/") ? bucket : URI.create(bucket + "/");
    }

    /** Opens the one store that serves the bucket's scheme; the caller closes it when it is {@link AutoCloseable}. */
    ObjectStoreAdapter openStore() {
        String scheme = bucket.getScheme() == null ? "" : bucket.getScheme();
        return switch (scheme) {
            case "file" -> {
                Path folder = Path.of(bucket);
                yield new FileObjectStore(folder.getParent() == null ? folder : folder.getParent());
            }
            case "gs" -> {
                requireBucketName();
                var options = com.google.cloud.storage.StorageOptions.newBuilder()
                        // one retry policy: the store's resilience4j retry, not the client's as well
                        .setRetrySettings(com.google.cloud.ServiceOptions.getNoRetrySettings());
                if (!gcs.projectId().isEmpty()) {
                    options.setProjectId(gcs.projectId());
                }
                if (!gcs.endpoint().isEmpty()) {
                    options.setHost(gcs.endpoint());
                }
                try {
                    yield new GcsObjectStore(options.build().getService(), gcs.timeout(), gcs.maxAttempts());
                } catch (RuntimeException e) {
                    throw new CliException("cannot set up the Cloud Storage client: " + e.getMessage()
                            + " (credentials: gcloud auth application-default login, or GOOGLE_APPLICATION_CREDENTIALS)", e);
                }
            }
            case "obs" -> {
                requireBucketName();
                if (obs.endpoint().isBlank()) {
                    throw new CliException("an obs: bucket needs an endpoint: --obs-endpoint URL or SLUICE_STORAGE_OBS_ENDPOINT "
                            + "(e.g. https://obs.eu-de.otc.t-systems.com, or an S3-compatible server)");
                }
                if (obs.accessKey().isBlank() || obs.secretKey().isBlank()) {
                    throw new CliException("an obs: bucket needs credentials: set SLUICE_STORAGE_OBS_ACCESS_KEY and "
                            + "SLUICE_STORAGE_OBS_SECRET_KEY (or SLUICE_OBS_ACCESS_KEY and SLUICE_OBS_SECRET_KEY)");
                }
                try {
                    yield ObsObjectStore.create(obs);
                } catch (RuntimeException e) {
                    throw new CliException("cannot set up the OBS client for " + obs.endpoint() + ": " + e.getMessage(), e);
                }
            }
            default -> throw new CliException("no object store for '" + scheme + ":' buckets (" + bucket
                    + "); use file:, gs:// or obs:// (obs:// with --obs-endpoint also serves S3-compatible stores)");
        };
    }

    private void requireBucketName() {
        if (bucket.getAuthority() == null || bucket.getAuthority().isBlank()) {
            throw new CliException("no bucket name in " + bucket + " (expected " + bucket.getScheme() + "://BUCKET/)");
        }
    }
}
