package io.sluice.console.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.cloud.storage.contrib.nio.testing.BucketKeepingStorageRpc;
import com.sun.net.httpserver.HttpServer;

import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.storage.LifecycleRule;
import io.sluice.platform.storage.gcs.GcsObjectStore;

/**
 * {@code sluice gc} over local buckets (and a GCS fake for the staging lifecycle rule), with a local HTTP server
 * standing in for the evaluation service's {@code GET /retention/protected-versions}.
 */
class GcCommandTests {

    @TempDir
    Path root;

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile String reply = "{}";

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " auth="
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] out = reply.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("SLUICE_STORAGE_LOCAL_ROOT", root.resolve("buckets").toString());
        env.put("SLUICE_EVALUATION_URL", "http://127.0.0.1:" + server.getAddress().getPort());
        env.put("SLUICE_TOKEN", "s3cret");
        return env;
    }

    private Path file(String relative, Duration age) throws IOException {
        Path file = root.resolve("buckets").resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[] {1, 2, 3});
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
        return file;
    }

    private Path version(String model, String version, Duration age) throws IOException {
        file("sluice-local-models/evaluations/" + model + "/" + version + "/decision.json", age);
        return file("sluice-local-models/models/" + model + "/" + version + "/model-card.json", age);
    }

    @Test
    void deletesAVersionOlderThanItsRetentionWhileTheServingVersionOlderStillStays() throws Exception {
        Path serving = version("digits", "v1", Duration.ofDays(200));
        Path old = version("digits", "v2", Duration.ofDays(120));
        Path young = version("digits", "v3", Duration.ofDays(2));
        Path oldStaging = file("sluice-local-staging/training/checkpoints/run-1/epoch-2.params", Duration.ofDays(3));
        Path newStaging = file("sluice-local-staging/training/checkpoints/run-2/epoch-1.params", Duration.ofMinutes(5));
        Path journal = file("sluice-local-staging/training/runs/run-1.json", Duration.ofDays(3));
        reply = "{\"current\":true,\"models\":{\"digits\":{\"v1\":[\"serving: stable, weight 100\",\"champion\"]}}}";

        CliRun dry = CliRun.run(env(), "gc", "--dry-run");

        assertThat(dry.exitCode).as(dry.err()).isZero();
        assertThat(dry.out()).contains("keep digits/v1: serving: stable, weight 100; champion",
                "would delete digits/v2 (120 d old, 2 files, 6 B)", "keep digits/v3: younger than the retention (90 days)",
                "would delete staging training/checkpoints/run-1/epoch-2.params (3 d old)");
        assertThat(requests).containsExactly("GET /retention/protected-versions auth=Bearer s3cret");
        assertThat(old).exists();
        assertThat(oldStaging).exists();

        CliRun gc = CliRun.run(env(), "gc");

        assertThat(gc.exitCode).as(gc.err()).isZero();
        assertThat(gc.out()).contains("deleted digits/v2", "keep digits/v1: serving", "1 version(s) deleted, 2 kept",
                "deleted staging training/checkpoints/run-1/epoch-2.params");
        assertThat(old).doesNotExist();
        assertThat(old.getParent().getParent().getParent().getParent().resolve("evaluations/digits/v2/decision.json")).doesNotExist();
        assertThat(serving).exists();
        assertThat(young).exists();
        assertThat(oldStaging).doesNotExist();
        assertThat(newStaging).exists();
        assertThat(journal).exists();
    }

    @Test
    void deletesNothingWhileTheRegistryIsNotCurrent() throws Exception {
        Path old = version("digits", "v2", Duration.ofDays(120));
        reply = "{\"current\":false,\"models\":{\"digits\":{}}}";

        CliRun gc = CliRun.run(env(), "gc");

        assertThat(gc.exitCode).isEqualTo(1);
        assertThat(gc.err()).contains("registry is not current", "nothing was deleted");
        assertThat(old).exists();
    }

    @Test
    void keepsTheModelsRetentionFromTheFlagAndGivesACloudStagingBucketALifecycleRule() throws Exception {
        Path old = version("digits", "v2", Duration.ofDays(40));
        reply = "{\"current\":true,\"models\":{\"digits\":{}}}";
        com.google.cloud.storage.Storage storage = BucketKeepingStorageRpc.options().getService();
        StoreFactory stores = settings -> "gs".equals(settings.bucket().getScheme()) ? new GcsObjectStore(storage, Duration.ofSeconds(10), 1)
                : new FileObjectStore(Path.of(settings.bucket()).getParent());
        Map<String, String> env = env();
        env.put("SLUICE_BUCKETS_STAGING", "gs://acme-prod-staging/");
        env.put("SLUICE_RETENTION_STAGING", "36h");
        env.put("SLUICE_RETENTION_STAGING_PREFIXES", "vertex/");

        CliRun gc = CliRun.run(env, stores, "gc", "--models-retention", "30d");

        assertThat(gc.exitCode).as(gc.err()).isZero();
        assertThat(gc.out()).contains("deleted digits/v2", "(retention 30 days)",
                "staging gs://acme-prod-staging/: set lifecycle rules: delete objects under vertex/ 2 day(s) old");
        assertThat(old).doesNotExist();
        try (GcsObjectStore gcs = new GcsObjectStore(storage, Duration.ofSeconds(10), 1)) {
            assertThat(gcs.lifecycle(URI.create("gs://acme-prod-staging/"))).containsExactly(new LifecycleRule("vertex/", 2));
        }
    }
}
