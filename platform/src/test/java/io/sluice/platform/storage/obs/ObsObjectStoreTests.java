package io.sluice.platform.storage.obs;

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

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.platform.storage.LifecycleRule;
import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.storage.StoredObject;

/** The {@code obs:} store through the real OBS SDK against an S3-compatible server (S3Mock) in its own process. */
class ObsObjectStoreTests {

    @TempDir
    static Path work;

    static S3MockServer server;
    static ObsObjectStore store;

    private final URI bucket = URI.create("obs://sluice-test-raw-data/");

    @BeforeAll
    static void start() throws Exception {
        server = S3MockServer.start(work, "sluice-test-raw-data");
        ObsStorageProperties properties = new ObsStorageProperties(server.endpoint(), "test-ak", "test-sk", true, "V2",
                Duration.ofSeconds(20), 2);
        store = new ObsObjectStore(ObsObjectStore.client(properties), properties.timeout(), properties.maxAttempts(), 7);
    }

    @AfterAll
    static void stop() throws Exception {
        if (store != null) {
            store.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void writesListsStatsReadsAndDeletesMultiLevelKeysWithSpaces() throws Exception {
        URI image = ObjectKeys.resolve(bucket, "datasets/asl/A/img 001.png");
        store.put(image, new byte[] {1, 2, 3});
        Path file = Files.write(work.resolve("b.png"), "bee".getBytes(StandardCharsets.UTF_8));
        store.put(ObjectKeys.resolve(bucket, "datasets/asl/B/img 002.png"), file);
        store.put(ObjectKeys.resolve(bucket, "datasets/other/x.png"), new byte[] {9});

        List<StoredObject> listed;
        try (var objects = store.list(ObjectKeys.resolve(bucket, "datasets/asl/"))) {
            listed = objects.toList();
        }
        assertThat(listed).extracting(o -> ObjectKeys.relativize(ObjectKeys.resolve(bucket, "datasets/asl/"), o.uri()))
                .containsExactly("A/img 001.png", "B/img 002.png");
        assertThat(listed.get(0).size()).isEqualTo(3);
        assertThat(store.stat(image)).get().satisfies(o -> {
            assertThat(o.uri()).isEqualTo(image);
            assertThat(o.size()).isEqualTo(3);
            assertThat(o.checksum()).isNotBlank();
        });
        try (InputStream in = store.open(ObjectKeys.resolve(bucket, "datasets/asl/B/img 002.png"))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("bee");
        }
        assertThat(store.read(image)).containsExactly(1, 2, 3);

        assertThat(store.delete(image)).isTrue();
        assertThat(store.delete(image)).isFalse();
        assertThat(store.stat(image)).isEmpty();
        assertThatThrownBy(() -> store.open(image)).isInstanceOf(FileNotFoundException.class);
    }

    @Test
    void listsEveryPage() throws Exception {
        for (int i = 0; i < 20; i++) {
            store.put(ObjectKeys.resolve(bucket, "pages/k" + String.format("%04d", i)), new byte[] {(byte) i});
        }
        try (var objects = store.list(ObjectKeys.resolve(bucket, "pages/"))) {
            assertThat(objects.count()).isEqualTo(20);
        }
    }

    @Test
    void retriesOnlyWhatMayPassNextTime() {
        assertThat(ObsObjectStore.retryable(new com.obs.services.exception.ObsException("busy") {
            @Override
            public int getResponseCode() {
                return 503;
            }
        })).isTrue();
        assertThat(ObsObjectStore.retryable(new FileNotFoundException("gone"))).isFalse();
        assertThat(ObsObjectStore.retryable(new java.util.concurrent.TimeoutException())).isTrue();
    }

    @Test
    void createsAnObjectOnlyWhenNoneExists() throws Exception {
        URI published = ObjectKeys.resolve(bucket, "claims/asl/v1/_PUBLISHED");

        assertThat(store.createIfAbsent(published, "first".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(store.createIfAbsent(published, "second".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(store.read(published)).asString(StandardCharsets.UTF_8).isEqualTo("first");
    }

    // No race test here: S3Mock checks If-None-Match and then writes in two steps, so two of six racing
    // creators both won against it; S3 itself (and S3-compatible stores that document conditional writes)
    // decides atomically. The race is tested for the local store and the GCS precondition.

    @Test
    void appliesLifecycleRulesToTheBucketThroughTheSdk() throws Exception {
        URI raw = URI.create("obs://sluice-test-raw-data/");
        assertThat(store.lifecycle(raw)).isEmpty();
        store.applyLifecycle(raw, List.of(new LifecycleRule("", 1)));
        assertThat(store.lifecycle(raw)).containsExactly(new LifecycleRule("", 1));

        // whole-bucket rules only: S3Mock keeps a rule's prefix only in the newer <Filter> form, not the rule-level
        // <Prefix> that OBS's API (and so its SDK) uses
        store.applyLifecycle(raw, List.of(new LifecycleRule("", 3)));
        assertThat(store.lifecycle(raw)).containsExactly(new LifecycleRule("", 3));
        store.applyLifecycle(raw, List.of());
        assertThat(store.lifecycle(raw)).isEmpty();
    }
}
