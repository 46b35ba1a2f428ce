package io.sluice.platform.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;

import io.sluice.platform.storage.InvalidObjectKeyException;
import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.storage.StoredObject;

/** The {@code gs:} store through the real google-cloud-storage client against LocalStorageHelper's fake. */
class GcsObjectStoreTests {

    private final Storage storage = LocalStorageHelper.getOptions().getService();
    private final GcsObjectStore store = new GcsObjectStore(storage, Duration.ofSeconds(10), 3);
    private final URI bucket = URI.create("gs://sluice-test-raw-data/");

    @TempDir
    Path temp;

    @Test
    void writesListsStatsReadsAndDeletesMultiLevelKeysWithSpaces() throws Exception {
        URI image = ObjectKeys.resolve(bucket, "datasets/asl/A/img 001.png");
        assertThat(image.toString()).isEqualTo("gs://sluice-test-raw-data/datasets/asl/A/img%20001.png");
        store.put(image, new byte[] {1, 2, 3});
        Path file = Files.write(temp.resolve("b.png"), "bee".getBytes(StandardCharsets.UTF_8));
        store.put(ObjectKeys.resolve(bucket, "datasets/asl/B/img 002.png"), file);
        store.put(ObjectKeys.resolve(bucket, "datasets/other/x.png"), new byte[] {9});

        List<StoredObject> listed;
        try (var objects = store.list(ObjectKeys.resolve(bucket, "datasets/asl/"))) {
            listed = objects.toList();
        }
        assertThat(listed).extracting(o -> ObjectKeys.relativize(ObjectKeys.resolve(bucket, "datasets/asl/"), o.uri()))
                .containsExactly("A/img 001.png", "B/img 002.png");
        assertThat(listed.get(0).size()).isEqualTo(3);
        assertThat(listed.get(0).checksum()).isNotBlank();
        assertThat(store.stat(image)).get().extracting(StoredObject::uri).isEqualTo(image);
        try (InputStream in = store.open(ObjectKeys.resolve(bucket, "datasets/asl/B/img 002.png"))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("bee");
        }
        assertThat(store.read(image)).containsExactly(1, 2, 3);

        assertThat(store.delete(image)).isTrue();
        assertThat(store.delete(image)).isFalse();
        assertThat(store.stat(image)).isEmpty();
        assertThatThrownBy(() -> store.open(image)).isInstanceOf(FileNotFoundException.class);
        assertThatThrownBy(() -> store.read(image)).isInstanceOf(FileNotFoundException.class);
    }

    @Test
    void refusesUnsafeKeysAndForeignSchemes() {
        assertThatThrownBy(() -> store.put(URI.create("gs://b/datasets/../x"), new byte[0])).isInstanceOf(InvalidObjectKeyException.class);
        assertThatThrownBy(() -> store.stat(URI.create("file:/tmp/x"))).isInstanceOf(InvalidObjectKeyException.class);
        assertThat(store.schemes()).containsExactly("gs");
    }

    @Test
    void retriesServerErrorsButNotMissingObjects() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Storage flaky = (Storage) java.lang.reflect.Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("get") && calls.incrementAndGet() < 3) {
                        throw new StorageException(503, "backend unavailable");
                    }
                    try {
                        return method.invoke(storage, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        GcsObjectStore retrying = new GcsObjectStore(flaky, Duration.ofSeconds(10), 3);

        assertThat(retrying.stat(URI.create("gs://b/none"))).isEmpty();
        assertThat(calls).hasValue(3);
        assertThat(GcsObjectStore.retryable(new StorageException(404, "not found"))).isFalse();
        assertThat(GcsObjectStore.retryable(new StorageException(429, "slow down"))).isTrue();
    }

    @Test
    void givesUpWhenACallExceedsItsTimeout() {
        Storage slow = (Storage) java.lang.reflect.Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class},
                (proxy, method, args) -> {
                    Thread.sleep(5_000);
                    return null;
                });
        GcsObjectStore impatient = new GcsObjectStore(slow, Duration.ofMillis(100), 2);

        long started = System.nanoTime();
        assertThatThrownBy(() -> impatient.stat(URI.create("gs://b/k"))).hasMessageContaining("TimeoutException");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void createsWithIfGenerationMatchZeroAndReportsAnExistingObjectAsNotCreated() throws Exception {
        List<Storage.BlobTargetOption> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        GcsObjectStore conditional = new GcsObjectStore(withGenerationPrecondition(storage, sent, new AtomicInteger()), Duration.ofSeconds(10), 3);
        URI published = ObjectKeys.resolve(bucket, "claims/asl/v1/_PUBLISHED");

        assertThat(conditional.createIfAbsent(published, "first".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(conditional.createIfAbsent(published, "second".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(store.read(published)).asString(StandardCharsets.UTF_8).isEqualTo("first");
        assertThat(sent).containsExactly(Storage.BlobTargetOption.doesNotExist(), Storage.BlobTargetOption.doesNotExist());
    }

    @Test
    void createsAnObjectOnceWhenSeveralCreatorsRace() throws Exception {
        GcsObjectStore conditional = new GcsObjectStore(withGenerationPrecondition(storage, new java.util.concurrent.CopyOnWriteArrayList<>(),
                new AtomicInteger()), Duration.ofSeconds(10), 3);

        io.sluice.platform.storage.CreateRace.race(conditional, ObjectKeys.resolve(bucket, "claims/asl/v2/_PUBLISHED"), 8);
    }

    @Test
    void recognisesItsOwnCreationWhoseAnswerWasLost() throws Exception {
        AtomicInteger lostAnswers = new AtomicInteger(1);
        GcsObjectStore conditional = new GcsObjectStore(withGenerationPrecondition(storage, new java.util.concurrent.CopyOnWriteArrayList<>(),
                lostAnswers), Duration.ofSeconds(10), 3);
        URI mine = ObjectKeys.resolve(bucket, "claims/asl/v3/_PUBLISHED");
        URI theirs = ObjectKeys.resolve(bucket, "claims/asl/v4/_PUBLISHED");
        store.put(theirs, "theirs".getBytes(StandardCharsets.UTF_8));

        assertThat(conditional.createIfAbsent(mine, "mine".getBytes(StandardCharsets.UTF_8))).isTrue();
        lostAnswers.set(1);
        assertThat(conditional.createIfAbsent(theirs, "mine".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(store.read(theirs)).asString(StandardCharsets.UTF_8).isEqualTo("theirs");
    }

    /**
     * LocalStorageHelper's fake refuses every precondition on a create (UnsupportedOperationException;
     * with {@code customOptions(false)} it ignores them), so ifGenerationMatch=0 is enforced here in front
     * of it, as Cloud Storage documents it: 412 when a live object exists, one create at a time. Records
     * the options sent; the first {@code lostAnswers} creates land but answer 503.
     */
    private static Storage withGenerationPrecondition(Storage fake, List<Storage.BlobTargetOption> sent, AtomicInteger lostAnswers) {
        Object lock = new Object();
        return (Storage) java.lang.reflect.Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("create") && args.length == 3 && args[1] instanceof byte[] content) {
                        Storage.BlobTargetOption[] options = (Storage.BlobTargetOption[]) args[2];
                        sent.addAll(List.of(options));
                        synchronized (lock) {
                            com.google.cloud.storage.BlobInfo info = (com.google.cloud.storage.BlobInfo) args[0];
                            if (List.of(options).contains(Storage.BlobTargetOption.doesNotExist()) && fake.get(info.getBlobId()) != null) {
                                throw new StorageException(412, "At least one of the pre-conditions you specified did not hold.");
                            }
                            fake.create(info, content);
                            if (lostAnswers.getAndDecrement() > 0) {
                                throw new StorageException(503, "answer lost");
                            }
                            return fake.get(info.getBlobId());
                        }
                    }
                    try {
                        return method.invoke(fake, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void appliesLifecycleRulesToTheBucketThroughTheClient() throws Exception {
        GcsObjectStore withBuckets = new GcsObjectStore(
                com.google.cloud.storage.contrib.nio.testing.BucketKeepingStorageRpc.options().getService(), Duration.ofSeconds(10), 2);
        URI staging = URI.create("gs://acme-prod-staging/");
        withBuckets.applyLifecycle(staging, List.of(new io.sluice.platform.storage.LifecycleRule("", 1),
                new io.sluice.platform.storage.LifecycleRule("runs/", 7)));
        assertThat(withBuckets.lifecycle(staging)).containsExactly(new io.sluice.platform.storage.LifecycleRule("", 1),
                new io.sluice.platform.storage.LifecycleRule("runs/", 7));

        withBuckets.applyLifecycle(staging, List.of(new io.sluice.platform.storage.LifecycleRule("", 2)));
        assertThat(withBuckets.lifecycle(staging)).containsExactly(new io.sluice.platform.storage.LifecycleRule("", 2));
        assertThatThrownBy(() -> withBuckets.applyLifecycle(URI.create("gs://acme-prod-staging/runs/"), List.of()))
                .isInstanceOf(InvalidObjectKeyException.class);
        withBuckets.close();
    }
}
