package io.sluice.platform.storage.gcs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Bucket;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;

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
 * Google Cloud Storage behind the {@code ObjectStore} port: {@code gs://bucket/key} URIs, keys
 * percent-decoded from the URI path. Every call runs under a resilience4j time limit and is retried
 * on throttling (429), server errors (5xx) and timeouts; a missing object is never retried.
 */
public final class GcsObjectStore implements ObjectStoreAdapter, BucketLifecycle, AutoCloseable {

    /** Files up to this size are uploaded in one request, larger ones resumably. */
    static final long SINGLE_REQUEST_LIMIT = 8L * 1024 * 1024;

    private final Storage storage;
    private final Retry retry;
    private final TimeLimiter timeLimiter;
    private final ExecutorService calls = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "gcs-call");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param storage     the client (real, or {@code LocalStorageHelper}'s fake in tests)
     * @param timeout     limit of one call
     * @param maxAttempts attempts per call (1 = no retry)
     */
    public GcsObjectStore(Storage storage, Duration timeout, int maxAttempts) {
        this.storage = storage;
        this.retry = Retry.of("gcs", RetryConfig.custom()
                .maxAttempts(Math.max(1, maxAttempts))
                .intervalFunction(IntervalFunction.ofExponentialBackoff(Duration.ofMillis(200), 2.0))
                .retryOnException(GcsObjectStore::retryable)
                .build());
        this.timeLimiter = TimeLimiter.of("gcs", TimeLimiterConfig.custom().timeoutDuration(timeout).cancelRunningFuture(true).build());
    }

    @Override
    public Set<String> schemes() {
        return Set.of("gs");
    }

    static boolean retryable(Throwable e) {
        if (e instanceof StorageException se) {
            return se.getCode() == 429 || se.getCode() >= 500 || se.isRetryable();
        }
        return e instanceof TimeoutException || (e instanceof IOException && !(e instanceof FileNotFoundException));
    }

    /** Bucket and key of a {@code gs://bucket/key} URI (the key may be empty for a bucket prefix). */
    static BlobId blobId(URI uri) {
        if (!"gs".equals(uri.getScheme()) || uri.getAuthority() == null || uri.getPath() == null) {
            throw new InvalidObjectKeyException(String.valueOf(uri), "not a gs://bucket/key URI");
        }
        String key = uri.getPath().startsWith("/") ? uri.getPath().substring(1) : uri.getPath();
        if (!key.isEmpty()) {
            ObjectKeys.requireSafe(key);
        }
        return BlobId.of(uri.getAuthority(), key);
    }

    private URI uriOf(String bucket, String key) {
        return ObjectKeys.resolve(URI.create("gs://" + bucket + "/"), key);
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
        } catch (StorageException e) {
            if (e.getCode() == 404) {
                throw new FileNotFoundException(e.getMessage());
            }
            throw new IOException("Cloud Storage call failed: HTTP " + e.getCode() + " " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("Cloud Storage call failed: " + e, e);
        }
    }

    @Override
    public Stream<StoredObject> list(URI prefix) throws IOException {
        BlobId start = blobId(prefix);
        List<StoredObject> objects = call(() -> {
            List<StoredObject> found = new ArrayList<>();
            for (Blob blob : storage.list(start.getBucket(), Storage.BlobListOption.prefix(start.getName())).iterateAll()) {
                if (!blob.getName().endsWith("/")) { // folder placeholders are not objects
                    found.add(describe(blob));
                }
            }
            return found;
        });
        return objects.stream().sorted(Comparator.comparing(o -> blobId(o.uri()).getName()));
    }

    private StoredObject describe(Blob blob) {
        Instant updated = blob.getUpdateTimeOffsetDateTime() != null ? blob.getUpdateTimeOffsetDateTime().toInstant()
                : blob.getUpdateTime() != null ? Instant.ofEpochMilli(blob.getUpdateTime()) : Instant.EPOCH;
        String checksum = blob.getMd5() != null ? blob.getMd5() : blob.getCrc32c();
        return new StoredObject(uriOf(blob.getBucket(), blob.getName()), blob.getSize() == null ? 0 : blob.getSize(), updated, checksum);
    }

    @Override
    public Optional<StoredObject> stat(URI object) throws IOException {
        BlobId id = blobId(object);
        return call(() -> Optional.ofNullable(storage.get(id)).map(this::describe));
    }

    @Override
    public InputStream open(URI object) throws IOException {
        BlobId id = blobId(object);
        ReadChannel reader = call(() -> {
            if (storage.get(id) == null) {
                throw new FileNotFoundException("no object at " + object);
            }
            return storage.reader(id);
        });
        return Channels.newInputStream(reader);
    }

    @Override
    public byte[] read(URI object) throws IOException {
        BlobId id = blobId(object);
        return call(() -> {
            if (storage.get(id) == null) {
                throw new FileNotFoundException("no object at " + object);
            }
            return storage.readAllBytes(id);
        });
    }

    @Override
    public void put(URI object, Path source) throws IOException {
        if (Files.size(source) <= SINGLE_REQUEST_LIMIT) {
            put(object, Files.readAllBytes(source));
            return;
        }
        BlobId id = blobId(object);
        ObjectKeys.requireSafe(id.getName());
        // a resumable upload: the object appears when the last chunk is committed
        call(() -> storage.createFrom(BlobInfo.newBuilder(id).build(), source));
    }

    @Override
    public void put(URI object, byte[] content) throws IOException {
        BlobId id = blobId(object);
        ObjectKeys.requireSafe(id.getName());
        // a single-request upload: the object appears whole or not at all
        call(() -> storage.create(BlobInfo.newBuilder(id).build(), content));
    }

    @Override
    public boolean createIfAbsent(URI object, byte[] content) throws IOException {
        BlobId id = blobId(object);
        ObjectKeys.requireSafe(id.getName());
        AtomicInteger attempts = new AtomicInteger();
        return call(() -> {
            boolean retried = attempts.incrementAndGet() > 1;
            try {
                // ifGenerationMatch=0: Cloud Storage creates the object only when no live generation exists
                storage.create(BlobInfo.newBuilder(id).build(), content, Storage.BlobTargetOption.doesNotExist());
                return true;
            } catch (StorageException e) {
                if (e.getCode() != 412) {
                    throw e;
                }
                // after a retry the object may be this call's own: an earlier attempt landed but its answer was lost
                return retried && Arrays.equals(storage.readAllBytes(id), content);
            }
        });
    }

    @Override
    public boolean delete(URI object) throws IOException {
        BlobId id = blobId(object);
        return call(() -> storage.delete(id));
    }

    /** The bucket of a {@code gs://bucket/} URI; a key part is refused. */
    static String bucketName(URI bucket) {
        BlobId id = blobId(bucket);
        if (!id.getName().isEmpty()) {
            throw new InvalidObjectKeyException(String.valueOf(bucket), "a lifecycle belongs to a bucket, not to a key");
        }
        return id.getBucket();
    }

    @Override
    public void applyLifecycle(URI bucket, List<LifecycleRule> rules) throws IOException {
        String name = bucketName(bucket);
        List<BucketInfo.LifecycleRule> wanted = rules.stream().map(rule -> new BucketInfo.LifecycleRule(
                BucketInfo.LifecycleRule.LifecycleAction.newDeleteAction(),
                BucketInfo.LifecycleRule.LifecycleCondition.newBuilder().setAge(rule.ageDays())
                        .setMatchesPrefix(rule.prefix().isEmpty() ? null : List.of(rule.prefix())).build())).toList();
        BucketInfo update = wanted.isEmpty() ? BucketInfo.newBuilder(name).deleteLifecycleRules().build()
                : BucketInfo.newBuilder(name).setLifecycleRules(wanted).build();
        call(() -> storage.update(update)); // a PATCH of the bucket's lifecycle field only
    }

    @Override
    public List<LifecycleRule> lifecycle(URI bucket) throws IOException {
        String name = bucketName(bucket);
        Bucket found = call(() -> storage.get(name));
        if (found == null) {
            throw new FileNotFoundException("no bucket " + name);
        }
        List<LifecycleRule> rules = new ArrayList<>();
        List<? extends BucketInfo.LifecycleRule> current = found.getLifecycleRules() == null ? List.of() : found.getLifecycleRules();
        for (BucketInfo.LifecycleRule rule : current) {
            BucketInfo.LifecycleRule.LifecycleCondition condition = rule.getCondition();
            if (rule.getAction() instanceof BucketInfo.LifecycleRule.DeleteLifecycleAction && condition.getAge() != null) {
                List<String> prefixes = condition.getMatchesPrefix() == null ? List.of() : condition.getMatchesPrefix();
                if (prefixes.isEmpty()) {
                    rules.add(new LifecycleRule("", condition.getAge()));
                }
                prefixes.forEach(prefix -> rules.add(new LifecycleRule(prefix, condition.getAge())));
            }
        }
        return rules;
    }

    @Override
    public void close() {
        calls.shutdownNow();
    }
}
