package io.sluice.platform.storage.obs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.obs.services.ObsClient;
import com.obs.services.ObsConfiguration;
import com.obs.services.exception.ObsException;
import com.obs.services.model.AuthTypeEnum;
import com.obs.services.model.LifecycleConfiguration;
import com.obs.services.model.ListObjectsRequest;
import com.obs.services.model.ObjectListing;
import com.obs.services.model.ObjectMetadata;
import com.obs.services.model.ObsObject;
import com.obs.services.model.PutObjectRequest;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.sluice.platform.storage.BucketLifecycle;
import io.sluice.platform.storage.InvalidObjectKeyException;
import io.sluice.platform.storage.LifecycleRule;
import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.storage.ObjectStoreAdapter;
import io.sluice.platform.storage.StoredObject;

/**
 * Huawei Cloud OBS behind the {@code ObjectStore} port: {@code obs://bucket/key} URIs, keys
 * percent-decoded from the URI path. Every call runs under a resilience4j time limit and is
 * retried on throttling (429), server errors (5xx) and timeouts (the SDK's own retries are off, so
 * there is one retry policy); a missing object is never retried.
 */
public final class ObsObjectStore implements ObjectStoreAdapter, BucketLifecycle, AutoCloseable {

    private final ObsClient client;
    private final int pageSize;
    private final Retry retry;
    private final TimeLimiter timeLimiter;
    private final ExecutorService calls = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "obs-call");
        thread.setDaemon(true);
        return thread;
    });

    public ObsObjectStore(ObsClient client, Duration timeout, int maxAttempts) {
        this(client, timeout, maxAttempts, 1000);
    }

    /** @param pageSize keys per listing request (OBS allows up to 1000) */
    ObsObjectStore(ObsClient client, Duration timeout, int maxAttempts, int pageSize) {
        this.client = client;
        this.pageSize = pageSize;
        this.retry = Retry.of("obs", RetryConfig.custom()
                .maxAttempts(Math.max(1, maxAttempts))
                .intervalFunction(IntervalFunction.ofExponentialBackoff(Duration.ofMillis(200), 2.0))
                .retryOnException(ObsObjectStore::retryable)
                .build());
        this.timeLimiter = TimeLimiter.of("obs", TimeLimiterConfig.custom().timeoutDuration(timeout).cancelRunningFuture(true).build());
    }

    /** A client for the settings; the SDK's retries are off because resilience4j retries. */
    public static ObsObjectStore create(ObsStorageProperties properties) {
        return new ObsObjectStore(client(properties), properties.timeout(), properties.maxAttempts());
    }

    static ObsClient client(ObsStorageProperties properties) {
        ObsConfiguration config = new ObsConfiguration();
        config.setEndPoint(properties.endpoint());
        config.setPathStyle(properties.pathStyle());
        config.setAuthType(AuthTypeEnum.valueOf(properties.authType().toUpperCase(Locale.ROOT)));
        config.setAuthTypeNegotiation(false);
        config.setMaxErrorRetry(0);
        int millis = (int) Math.min(Integer.MAX_VALUE, properties.timeout().toMillis());
        config.setConnectionTimeout(millis);
        config.setSocketTimeout(millis);
        return new ObsClient(properties.accessKey(), properties.secretKey(), config);
    }

    @Override
    public Set<String> schemes() {
        return Set.of("obs");
    }

    static boolean retryable(Throwable e) {
        if (e instanceof ObsException oe) {
            return oe.getResponseCode() == 429 || oe.getResponseCode() == 409 || oe.getResponseCode() >= 500 || oe.getResponseCode() <= 0;
        }
        return e instanceof TimeoutException || (e instanceof IOException && !(e instanceof FileNotFoundException));
    }

    /** Bucket and key of an {@code obs://bucket/key} URI. */
    record Location(String bucket, String key) {}

    static Location locate(URI uri) {
        if (!"obs".equals(uri.getScheme()) || uri.getAuthority() == null || uri.getPath() == null) {
            throw new InvalidObjectKeyException(String.valueOf(uri), "not an obs://bucket/key URI");
        }
        String key = uri.getPath().startsWith("/") ? uri.getPath().substring(1) : uri.getPath();
        if (!key.isEmpty()) {
            ObjectKeys.requireSafe(key);
        }
        return new Location(uri.getAuthority(), key);
    }

    private static URI uriOf(String bucket, String key) {
        return ObjectKeys.resolve(URI.create("obs://" + bucket + "/"), key);
    }

    private <T> T call(Callable<T> work) throws IOException {
        try {
            return retry.executeCallable(() -> {
                try {
                    return timeLimiter.executeFutureSupplier(() -> calls.submit(work));
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            });
        } catch (ObsException e) {
            if (e.getResponseCode() == 404) {
                throw new FileNotFoundException(e.getErrorMessage());
            }
            throw new IOException("OBS call failed: HTTP " + e.getResponseCode() + " " + e.getErrorCode() + " " + e.getErrorMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("OBS call failed: " + e, e);
        }
    }

    @Override
    public Stream<StoredObject> list(URI prefix) throws IOException {
        Location start = locate(prefix);
        List<StoredObject> objects = call(() -> {
            List<StoredObject> found = new ArrayList<>();
            String marker = null;
            while (true) {
                ListObjectsRequest request = new ListObjectsRequest(start.bucket(), start.key().isEmpty() ? null : start.key(), marker,
                        null, pageSize);
                ObjectListing listing = client.listObjects(request);
                for (ObsObject object : listing.getObjects()) {
                    if (!object.getObjectKey().endsWith("/")) {
                        found.add(describe(start.bucket(), object.getObjectKey(), object.getMetadata()));
                    }
                }
                if (!listing.isTruncated() || listing.getObjects().isEmpty()) {
                    return found;
                }
                marker = listing.getNextMarker() != null ? listing.getNextMarker()
                        : listing.getObjects().get(listing.getObjects().size() - 1).getObjectKey();
            }
        });
        return objects.stream().sorted(Comparator.comparing(o -> locate(o.uri()).key()));
    }

    private static StoredObject describe(String bucket, String key, ObjectMetadata metadata) {
        Instant updated = metadata.getLastModified() == null ? Instant.EPOCH : metadata.getLastModified().toInstant();
        long size = metadata.getContentLength() == null ? 0 : metadata.getContentLength();
        return new StoredObject(uriOf(bucket, key), size, updated, metadata.getEtag());
    }

    @Override
    public Optional<StoredObject> stat(URI object) throws IOException {
        Location at = locate(object);
        try {
            return Optional.of(call(() -> describe(at.bucket(), at.key(), client.getObjectMetadata(at.bucket(), at.key()))));
        } catch (FileNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public InputStream open(URI object) throws IOException {
        Location at = locate(object);
        return call(() -> client.getObject(at.bucket(), at.key()).getObjectContent());
    }

    @Override
    public void put(URI object, Path source) throws IOException {
        Location at = requireKey(object);
        call(() -> client.putObject(at.bucket(), at.key(), source.toFile()));
    }

    @Override
    public void put(URI object, byte[] content) throws IOException {
        Location at = requireKey(object);
        call(() -> {
            ObjectMetadata metadata = new ObjectMetadata();
            metadata.setContentLength((long) content.length);
            return client.putObject(at.bucket(), at.key(), new java.io.ByteArrayInputStream(content), metadata);
        });
    }

    @Override
    public boolean createIfAbsent(URI object, byte[] content) throws IOException {
        Location at = requireKey(object);
        AtomicInteger attempts = new AtomicInteger();
        return call(() -> {
            boolean retried = attempts.incrementAndGet() > 1;
            PutObjectRequest request = new PutObjectRequest(at.bucket(), at.key(), new java.io.ByteArrayInputStream(content));
            ObjectMetadata metadata = new ObjectMetadata();
            metadata.setContentLength((long) content.length);
            request.setMetadata(metadata);
            // a conditional put: the server stores the object only when the key has none (412 otherwise)
            request.addUserHeaders("If-None-Match", "*");
            try {
                client.putObject(request);
                return true;
            } catch (ObsException e) {
                if (e.getResponseCode() != 412) {
                    throw e; // 409 (a concurrent conditional write in progress) is retried like a 5xx
                }
                // after a retry the object may be this call's own: an earlier attempt landed but its answer was lost
                if (!retried) {
                    return false;
                }
                try (InputStream in = client.getObject(at.bucket(), at.key()).getObjectContent()) {
                    return Arrays.equals(in.readAllBytes(), content);
                }
            }
        });
    }

    private static Location requireKey(URI object) {
        Location at = locate(object);
        ObjectKeys.requireSafe(at.key());
        return at;
    }

    @Override
    public boolean delete(URI object) throws IOException {
        Location at = locate(object);
        if (stat(object).isEmpty()) {
            return false; // OBS, like S3, answers a delete of a missing key with success
        }
        call(() -> client.deleteObject(at.bucket(), at.key()));
        return true;
    }

    /** The bucket of an {@code obs://bucket/} URI; a key part is refused. */
    static String bucketName(URI bucket) {
        Location at = locate(bucket);
        if (!at.key().isEmpty()) {
            throw new InvalidObjectKeyException(String.valueOf(bucket), "a lifecycle belongs to a bucket, not to a key");
        }
        return at.bucket();
    }

    @Override
    public void applyLifecycle(URI bucket, List<LifecycleRule> rules) throws IOException {
        String name = bucketName(bucket);
        if (rules.isEmpty()) {
            call(() -> client.deleteBucketLifecycle(name));
            return;
        }
        LifecycleConfiguration configuration = new LifecycleConfiguration();
        for (LifecycleRule wanted : rules) {
            LifecycleConfiguration.Rule rule = configuration.new Rule(wanted.id(), wanted.prefix(), true);
            rule.setExpiration(configuration.new Expiration(wanted.ageDays()));
            configuration.addRule(rule);
        }
        call(() -> client.setBucketLifecycle(name, configuration)); // replaces the bucket's whole lifecycle configuration
    }

    @Override
    public List<LifecycleRule> lifecycle(URI bucket) throws IOException {
        String name = bucketName(bucket);
        LifecycleConfiguration configuration;
        try {
            configuration = call(() -> client.getBucketLifecycle(name));
        } catch (FileNotFoundException none) {
            return List.of(); // NoSuchLifecycleConfiguration
        }
        List<LifecycleRule> rules = new ArrayList<>();
        for (LifecycleConfiguration.Rule rule : configuration.getRules()) {
            if (Boolean.TRUE.equals(rule.getEnabled()) && rule.getExpiration() != null && rule.getExpiration().getDays() != null) {
                rules.add(new LifecycleRule(rule.getPrefix(), rule.getExpiration().getDays()));
            }
        }
        return rules;
    }

    @Override
    public void close() throws IOException {
        calls.shutdownNow();
        client.close();
    }
}
