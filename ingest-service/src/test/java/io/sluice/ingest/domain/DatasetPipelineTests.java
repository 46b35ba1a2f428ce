package io.sluice.ingest.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.ingest.TestDatasets;
import io.sluice.platform.datasets.DatasetManifest;
import io.sluice.platform.datasets.Splits;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.storage.ObjectKeys;

/** One outcome per content version, remembered in the training bucket so that a restarted service publishes nothing twice. */
class DatasetPipelineTests {

    @TempDir
    Path root;

    FileObjectStore store;
    RawBucket raw;
    final List<String> published = new ArrayList<>();

    @BeforeEach
    void setUp() {
        store = new FileObjectStore(root);
        raw = new RawBucket(store.bucket("raw"));
    }

    /** A fresh pipeline, as a restarted service builds it: nothing in memory. */
    DatasetPipeline pipeline(DatasetPublisher publisher) {
        DatasetAssembler assembler = new DatasetAssembler(store, raw, new ValidationRules(3, 2, 10, "label", List.of(), Map.of()),
                Splits.DEFAULT, 1);
        return new DatasetPipeline(assembler, new DatasetVersions(store, store.bucket("training")), publisher);
    }

    DatasetPublisher recording() {
        return new DatasetPublisher() {
            @Override
            public void ready(Assembly assembly, URI manifestUri) {
                published.add("ready " + assembly.correlationId() + " " + manifestUri);
            }

            @Override
            public void rejected(Assembly assembly, URI reportUri) {
                published.add("rejected " + assembly.correlationId());
            }
        };
    }

    @Test
    void publishesEachVersionOnceAcrossRestarts() throws IOException {
        TestDatasets.writeImages(store, raw.datasetPrefix("digits"), Map.of("0", 3, "1", 3), 0);

        assertThat(pipeline(recording()).complete("digits")).isEqualTo(DatasetPipeline.Outcome.READY);
        assertThat(pipeline(recording()).complete("digits")).isEqualTo(DatasetPipeline.Outcome.ALREADY_PUBLISHED);
        assertThat(published).hasSize(1);

        String manifestUri = published.get(0).split(" ")[2];
        DatasetManifest manifest = DatasetManifest.fromJson(store.read(URI.create(manifestUri)));
        assertThat(published.get(0)).startsWith("ready digits@" + manifest.version());
        assertThat(manifestUri).endsWith("/training/datasets/digits/" + manifest.version() + "/manifest.json");

        store.put(ObjectKeys.resolve(raw.datasetPrefix("digits"), "1/extra.png"), TestDatasets.grey(77));
        assertThat(pipeline(recording()).complete("digits")).isEqualTo(DatasetPipeline.Outcome.READY);
        assertThat(published).hasSize(2);
    }

    @Test
    void recognisesAnUnchangedDatasetFromItsListingAloneWithoutReadingAFile() throws IOException {
        TestDatasets.writeImages(store, raw.datasetPrefix("same"), Map.of("0", 3, "1", 3), 0);
        assertThat(pipeline(recording()).complete("same")).isEqualTo(DatasetPipeline.Outcome.READY);
        java.util.concurrent.atomic.AtomicInteger opened = new java.util.concurrent.atomic.AtomicInteger();
        io.sluice.platform.storage.ObjectStore counting = new io.sluice.platform.storage.ObjectStore() {
            public java.util.Set<String> schemes() { return store.schemes(); }
            public java.util.stream.Stream<io.sluice.platform.storage.StoredObject> list(URI prefix) throws IOException { return store.list(prefix); }
            public java.util.Optional<io.sluice.platform.storage.StoredObject> stat(URI object) throws IOException { return store.stat(object); }
            public java.io.InputStream open(URI object) throws IOException {
                if (object.toString().contains("/raw/")) {
                    opened.incrementAndGet();
                }
                return store.open(object);
            }
            public void put(URI object, Path source) throws IOException { store.put(object, source); }
            public void put(URI object, byte[] content) throws IOException { store.put(object, content); }
            public boolean delete(URI object) throws IOException { return store.delete(object); }
        };
        DatasetAssembler assembler = new DatasetAssembler(counting, raw, ValidationRules.DEFAULT, Splits.DEFAULT, 1);
        DatasetPipeline restarted = new DatasetPipeline(assembler, new DatasetVersions(counting, store.bucket("training")), recording());

        assertThat(restarted.complete("same")).isEqualTo(DatasetPipeline.Outcome.ALREADY_PUBLISHED);
        assertThat(opened).hasValue(0);
        assertThat(published).hasSize(1);
    }

    @Test
    void publishesARejectionOnceToo() throws IOException {
        TestDatasets.writeImages(store, raw.datasetPrefix("tiny"), Map.of("0", 1), 0);

        assertThat(pipeline(recording()).complete("tiny")).isEqualTo(DatasetPipeline.Outcome.REJECTED);
        assertThat(pipeline(recording()).complete("tiny")).isEqualTo(DatasetPipeline.Outcome.ALREADY_PUBLISHED);
        assertThat(published).hasSize(1);
    }

    @Test
    void waitsForTheNewMarkerOfAReuploadInsteadOfPublishingHalfOfIt() throws Exception {
        TestDatasets.writeImages(store, raw.datasetPrefix("re"), Map.of("0", 3, "1", 3), 0);
        TestDatasets.markComplete(store, raw.datasetPrefix("re"));
        assertThat(pipeline(recording()).complete("re", true)).isEqualTo(DatasetPipeline.Outcome.READY);
        Thread.sleep(20); // the next upload's files are newer than the old marker
        store.put(ObjectKeys.resolve(raw.datasetPrefix("re"), "0/new.png"), TestDatasets.grey(500));

        assertThat(pipeline(recording()).complete("re", false)).isEqualTo(DatasetPipeline.Outcome.AWAITING_MARKER);
        TestDatasets.markComplete(store, raw.datasetPrefix("re"));
        assertThat(pipeline(recording()).complete("re", false)).isEqualTo(DatasetPipeline.Outcome.READY);
        assertThat(published).hasSize(2);
    }

    @Test
    void completesADatasetWithoutMarkerAfterTheQuietPeriod() throws Exception {
        TestDatasets.writeImages(store, raw.datasetPrefix("quiet"), Map.of("0", 3, "1", 3), 0);

        assertThat(pipeline(recording()).complete("quiet", false)).isEqualTo(DatasetPipeline.Outcome.READY);
    }

    @Test
    void retriesAVersionWhosePublicationFailed() throws IOException {
        TestDatasets.writeImages(store, raw.datasetPrefix("flaky"), Map.of("0", 3, "1", 3), 0);
        DatasetPublisher failing = new DatasetPublisher() {
            @Override
            public void ready(Assembly assembly, URI manifestUri) {
                throw new IllegalStateException("broker down");
            }

            @Override
            public void rejected(Assembly assembly, URI reportUri) {
                throw new IllegalStateException("broker down");
            }
        };

        assertThatThrownBy(() -> pipeline(failing).complete("flaky")).hasMessage("broker down");
        assertThat(pipeline(recording()).complete("flaky")).isEqualTo(DatasetPipeline.Outcome.READY);
        assertThat(published).hasSize(1);
    }

    /** A pipeline of another replica: same buckets, its own clock. */
    DatasetPipeline replica(DatasetPublisher publisher, java.time.Clock clock) {
        DatasetAssembler assembler = new DatasetAssembler(store, raw, new ValidationRules(3, 2, 10, "label", List.of(), Map.of()),
                Splits.DEFAULT, 1);
        return new DatasetPipeline(assembler, new DatasetVersions(store, store.bucket("training")), publisher, clock,
                java.time.Duration.ofMinutes(5));
    }

    @Test
    void publishesAVersionOnceWhenTwoReplicasCompleteItAtTheSameTime() throws Exception {
        TestDatasets.writeImages(store, raw.datasetPrefix("shared"), Map.of("0", 3, "1", 3), 0);
        java.util.concurrent.CountDownLatch sending = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        DatasetPublisher slow = new DatasetPublisher() {
            @Override
            public void ready(Assembly assembly, URI manifestUri) {
                sending.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                published.add("first " + assembly.correlationId());
            }

            @Override
            public void rejected(Assembly assembly, URI reportUri) {
                published.add("rejected");
            }
        };
        var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return replica(slow, java.time.Clock.systemUTC()).complete("shared");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        sending.await();

        assertThatThrownBy(() -> replica(recording(), java.time.Clock.systemUTC()).complete("shared"))
                .isInstanceOf(DatasetPipeline.VersionClaimedException.class);
        release.countDown();
        assertThat(first.get()).isEqualTo(DatasetPipeline.Outcome.READY);
        assertThat(replica(recording(), java.time.Clock.systemUTC()).complete("shared")).isEqualTo(DatasetPipeline.Outcome.ALREADY_PUBLISHED);
        assertThat(published).singleElement().asString().startsWith("first shared@");
    }

    @Test
    void takesOverAClaimWhoseHolderDiedBeforePublishingOnlyAfterTheClaimTimeout() throws Exception {
        TestDatasets.writeImages(store, raw.datasetPrefix("orphan"), Map.of("0", 3, "1", 3), 0);
        java.time.Instant start = java.time.Instant.parse("2026-12-04T12:00:00Z");
        DatasetPublisher dies = new DatasetPublisher() {
            @Override
            public void ready(Assembly assembly, URI manifestUri) {
                throw new Error("killed between claiming and publishing"); // an Error: nothing cleans up, as after kill -9
            }

            @Override
            public void rejected(Assembly assembly, URI reportUri) {
                throw new Error("killed");
            }
        };
        assertThatThrownBy(() -> replica(dies, java.time.Clock.fixed(start, java.time.ZoneOffset.UTC)).complete("orphan"))
                .hasMessageContaining("killed");

        java.time.Clock soon = java.time.Clock.fixed(start.plusSeconds(60), java.time.ZoneOffset.UTC);
        assertThatThrownBy(() -> replica(recording(), soon).complete("orphan")).isInstanceOf(DatasetPipeline.VersionClaimedException.class);
        assertThat(published).isEmpty();

        java.time.Clock later = java.time.Clock.fixed(start.plusSeconds(301), java.time.ZoneOffset.UTC);
        assertThat(replica(recording(), later).complete("orphan")).isEqualTo(DatasetPipeline.Outcome.READY);
        assertThat(replica(recording(), later).complete("orphan")).isEqualTo(DatasetPipeline.Outcome.ALREADY_PUBLISHED);
        assertThat(published).singleElement().asString().startsWith("ready orphan@");
    }

    @Test
    void releasesItsClaimWhenPublishingFailsSoTheNextAttemptPublishesAtOnce() throws Exception {
        TestDatasets.writeImages(store, raw.datasetPrefix("flaky"), Map.of("0", 3, "1", 3), 0);
        DatasetPublisher down = new DatasetPublisher() {
            @Override
            public void ready(Assembly assembly, URI manifestUri) {
                throw new IllegalStateException("broker unreachable");
            }

            @Override
            public void rejected(Assembly assembly, URI reportUri) {
                throw new IllegalStateException("broker unreachable");
            }
        };
        assertThatThrownBy(() -> pipeline(down).complete("flaky")).hasMessageContaining("broker unreachable");

        assertThat(pipeline(recording()).complete("flaky")).isEqualTo(DatasetPipeline.Outcome.READY);
        assertThat(published).hasSize(1);
    }
}
