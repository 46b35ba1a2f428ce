package io.sluice.console.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;

import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.storage.ObjectStore;
import io.sluice.platform.storage.StoredObject;
import io.sluice.platform.storage.gcs.GcsObjectStore;
import io.sluice.platform.storage.obs.ObsObjectStore;
import io.sluice.platform.storage.obs.ObsStorageProperties;
import io.sluice.platform.storage.obs.S3MockForTests;

/**
 * {@code sluice upload} to {@code gs://} (the real google-cloud-storage client against LocalStorageHelper's fake) and to
 * {@code obs://} (the real OBS SDK, configured from the environment and a config file, against S3Mock in its own process):
 * multi-level keys with spaces, the marker last, and no marker after a failure midway.
 */
class UploadToCloudStoresTests {

    static final String BUCKET = "sluice-test-raw-data";

    @TempDir
    static Path work;

    static S3MockForTests s3;

    @TempDir
    Path temp;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3MockForTests.start(work, BUCKET);
    }

    @AfterAll
    static void stopS3() {
        if (s3 != null) {
            s3.close();
        }
    }

    /** A dataset folder: 24 images under two classes (one in a sub-folder with a space), a CSV, a manifest and a hidden file. */
    private Path dataset() throws Exception {
        Path source = Files.createDirectories(temp.resolve("src"));
        for (int i = 0; i < 12; i++) {
            write(source.resolve(String.format("A/img %03d.png", i)), "a" + i);
            write(source.resolve(String.format("B/sub dir/img %03d.png", i)), "b" + i);
        }
        write(source.resolve("labels.csv"), "file,label\n");
        write(source.resolve("manifest.json"), "{\"classes\":[\"A\",\"B\"]}");
        write(source.resolve(".DS_Store"), "hidden");
        return source;
    }

    private static void write(Path file, String content) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private static List<String> expectedKeys() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            keys.add(String.format("A/img %03d.png", i));
            keys.add(String.format("B/sub dir/img %03d.png", i));
        }
        keys.add("labels.csv");
        keys.add("manifest.json");
        keys.add("_SUCCESS");
        return keys;
    }

    private static List<String> keys(ObjectStore store, URI prefix) throws Exception {
        try (var objects = store.list(prefix)) {
            return objects.map(StoredObject::uri).map(uri -> ObjectKeys.relativize(prefix, uri)).toList();
        }
    }

    private static List<String> keys(List<URI> written, URI prefix) {
        return written.stream().map(uri -> ObjectKeys.relativize(prefix, uri)).toList();
    }

    private static void assertMarkerLastAfterTheManifest(List<String> written) {
        assertThat(written).last().isEqualTo("_SUCCESS");
        assertThat(written.get(written.size() - 2)).isEqualTo("manifest.json");
        assertThat(written).containsExactlyInAnyOrderElementsOf(expectedKeys());
    }

    @Test
    void uploadsNestedKeysWithSpacesToAGsBucketAndWritesTheMarkerLast() throws Exception {
        Storage storage = LocalStorageHelper.getOptions().getService();
        List<RecordingStore> opened = new ArrayList<>();
        List<StoreSettings> seen = new ArrayList<>();
        StoreFactory gcs = settings -> {
            seen.add(settings);
            RecordingStore store = new RecordingStore(new GcsObjectStore(storage, Duration.ofSeconds(10), 2), 0);
            opened.add(store);
            return store;
        };
        Path source = dataset();

        CliRun run = CliRun.run(Map.of("SLUICE_BUCKETS_RAW_DATA", "gs://" + BUCKET + "/", "SLUICE_STORAGE_GCS_PROJECT_ID", "sluice-test"),
                gcs, "upload", source.toString(), "--dataset", "asl");

        assertThat(run.exitCode).as(run.err()).isZero();
        assertThat(seen.get(0).bucket()).isEqualTo(URI.create("gs://" + BUCKET + "/"));
        assertThat(seen.get(0).gcs().projectId()).isEqualTo("sluice-test");
        URI prefix = URI.create("gs://" + BUCKET + "/datasets/asl/");
        GcsObjectStore check = new GcsObjectStore(storage, Duration.ofSeconds(10), 1);
        assertThat(keys(check, prefix)).containsExactlyInAnyOrderElementsOf(expectedKeys());
        assertThat(new String(check.read(ObjectKeys.resolve(prefix, "B/sub dir/img 007.png")), StandardCharsets.UTF_8)).isEqualTo("b7");
        assertThat(check.read(ObjectKeys.resolve(prefix, "_SUCCESS"))).isEmpty();
        assertMarkerLastAfterTheManifest(keys(opened.get(0).written, prefix));
        assertThat(opened.get(0).closed).isTrue();
        assertThat(run.err()).contains("26 file(s)").contains("(8 at a time)").contains("(50%)").contains("(100%)").contains("files/s");
        assertThat(run.out()).contains("uploaded 26 file(s)").contains("gs://" + BUCKET + "/datasets/asl/").contains("_SUCCESS");
    }

    @Test
    void uploadsToAnObsBucketConfiguredFromTheEnvironmentAndAConfigFile() throws Exception {
        Path config = temp.resolve("sluice.yaml");
        Files.writeString(config, """
                sluice:
                  buckets:
                    raw-data: obs://%s/
                  storage:
                    obs:
                      endpoint: http://127.0.0.1:1
                      path-style: true
                      auth-type: V2
                """.formatted(BUCKET));
        List<RecordingStore> opened = new ArrayList<>();
        StoreFactory real = settings -> {
            RecordingStore store = new RecordingStore(StoreFactory.DEFAULT.open(settings), 0);
            opened.add(store);
            return store;
        };
        Map<String, String> env = Map.of("SLUICE_CONFIG", config.toString(), "SLUICE_STORAGE_OBS_ENDPOINT", s3.endpoint(),
                "SLUICE_OBS_ACCESS_KEY", "test-ak", "SLUICE_OBS_SECRET_KEY", "test-sk");

        CliRun run = CliRun.run(env, real, "upload", dataset().toString(), "-d", "asl", "--parallel", "4");

        assertThat(run.exitCode).as(run.err()).isZero();
        assertThat(opened.get(0).schemes()).containsExactly("obs");
        URI prefix = URI.create("obs://" + BUCKET + "/datasets/asl/");
        try (ObsObjectStore check = ObsObjectStore.create(new ObsStorageProperties(s3.endpoint(), "test-ak", "test-sk", true, "V2",
                Duration.ofSeconds(20), 1))) {
            assertThat(keys(check, prefix)).containsExactlyInAnyOrderElementsOf(expectedKeys());
            assertThat(new String(check.read(ObjectKeys.resolve(prefix, "A/img 003.png")), StandardCharsets.UTF_8)).isEqualTo("a3");
        }
        assertMarkerLastAfterTheManifest(keys(opened.get(0).written, prefix));
        assertThat(run.err()).contains("(4 at a time)").doesNotContain("test-sk");
        assertThat(run.out()).contains("uploaded 26 file(s)").contains("obs://" + BUCKET + "/datasets/asl/");
    }

    @Test
    void aFailureMidwayLeavesNoMarkerEvenWhereAnEarlierUploadLeftOne() throws Exception {
        Map<String, String> env = Map.of("SLUICE_BUCKETS_RAW_DATA", "obs://" + BUCKET + "/", "SLUICE_STORAGE_OBS_ENDPOINT", s3.endpoint(),
                "SLUICE_STORAGE_OBS_ACCESS_KEY", "test-ak", "SLUICE_STORAGE_OBS_SECRET_KEY", "test-sk",
                "SLUICE_STORAGE_OBS_PATH_STYLE", "true", "SLUICE_STORAGE_OBS_AUTH_TYPE", "V4");
        Path source = dataset();
        CliRun first = CliRun.run(env, settings -> new RecordingStore(StoreFactory.DEFAULT.open(settings), 0),
                "upload", source.toString(), "-d", "flaky");
        assertThat(first.exitCode).as(first.err()).isZero();
        URI prefix = URI.create("obs://" + BUCKET + "/datasets/flaky/");
        URI marker = ObjectKeys.resolve(prefix, "_SUCCESS");

        List<RecordingStore> opened = new ArrayList<>();
        CliRun failing = CliRun.run(env, settings -> {
            RecordingStore store = new RecordingStore(StoreFactory.DEFAULT.open(settings), 10);
            opened.add(store);
            return store;
        }, "upload", source.toString(), "-d", "flaky", "--parallel", "3");

        assertThat(failing.exitCode).isEqualTo(1);
        assertThat(failing.err()).contains("sluice upload: could not upload").contains("injected: connection reset by the store")
                .contains("_SUCCESS not written").contains("removed the _SUCCESS of an earlier upload").doesNotContain("\tat ");
        assertThat(failing.out()).doesNotContain("uploaded 26");
        List<String> written = keys(opened.get(0).written, prefix);
        assertThat(written).doesNotContain("_SUCCESS", "manifest.json").hasSizeLessThan(24);
        try (ObsObjectStore check = ObsObjectStore.create(new ObsStorageProperties(s3.endpoint(), "test-ak", "test-sk", true, "V2",
                Duration.ofSeconds(20), 1))) {
            assertThat(check.stat(marker)).isEmpty();
        }
        assertThat(opened.get(0).closed).isTrue();
    }

    @Test
    void aFailureMidwayOnAGsBucketWritesNoMarker() throws Exception {
        Storage storage = LocalStorageHelper.getOptions().getService();
        CliRun run = CliRun.run(Map.of(), settings -> new RecordingStore(new GcsObjectStore(storage, Duration.ofSeconds(10), 1), 5),
                "upload", dataset().toString(), "-d", "asl", "--bucket", "gs://" + BUCKET + "/");

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.err()).contains("could not upload").contains("of 26 file(s) uploaded, _SUCCESS not written");
        GcsObjectStore check = new GcsObjectStore(storage, Duration.ofSeconds(10), 1);
        URI prefix = URI.create("gs://" + BUCKET + "/datasets/asl/");
        assertThat(check.stat(ObjectKeys.resolve(prefix, "_SUCCESS"))).isEmpty();
        assertThat(keys(check, prefix)).isNotEmpty().hasSizeLessThan(24);
    }
}
