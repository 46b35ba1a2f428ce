package io.sluice.ingest.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.sluice.ingest.TestDatasets;
import io.sluice.ingest.domain.Assembly;
import io.sluice.ingest.domain.DatasetAssembler;
import io.sluice.ingest.domain.DatasetPipeline;
import io.sluice.ingest.domain.DatasetPublisher;
import io.sluice.ingest.domain.DatasetTracker;
import io.sluice.ingest.domain.DatasetVersions;
import io.sluice.ingest.domain.FileFacts;
import io.sluice.ingest.domain.NotificationIntake;
import io.sluice.ingest.domain.RawBucket;
import io.sluice.ingest.domain.ValidationRules;
import io.sluice.ingest.notifications.NotificationParser;
import io.sluice.platform.datasets.Splits;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.storage.StoredObject;
import tools.jackson.databind.json.JsonMapper;

/**
 * Benchmark, not a test. Prints (1) notifications normalised per second — parsed from every
 * provider format and handed to the intake — against a baseline of merely parsing the same bytes
 * as JSON, and (2) the time from a completion marker to the DatasetReady publication for a
 * 10,000-image dataset in a local bucket, against a baseline of listing, reading and hashing the
 * same files on one thread, measured just before each run. Run: see the module README.
 */
public final class IngestBenchmark {

    public static void main(String[] args) throws Exception {
        int notifications = Integer.getInteger("bench.notifications", 200_000);
        int images = Integer.getInteger("bench.images", 10_000);
        int parallelism = Integer.getInteger("bench.parallelism", Runtime.getRuntime().availableProcessors());
        Path root = Files.createTempDirectory("sluice-ingest-bench");
        try {
            notifications(notifications);
            assembly(root, images, parallelism, Integer.getInteger("bench.repeats", 3));
        } finally {
            try (Stream<Path> paths = Files.walk(root)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void notifications(int count) throws Exception {
        List<byte[]> payloads = new ArrayList<>(count);
        List<String> kinds = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String key = "datasets/bench-" + (i % 100) + "/class-" + (i % 7) + "/img " + i + ".png";
            switch (i % 4) {
                case 0 -> {
                    String object = "{\"kind\":\"storage#object\",\"bucket\":\"raw\",\"name\":\"" + key + "\",\"size\":\"1234\",\"md5Hash\":\"x\"}";
                    payloads.add(("{\"message\":{\"attributes\":{\"bucketId\":\"raw\",\"objectId\":\"" + key + "\",\"eventType\":\"OBJECT_FINALIZE\","
                            + "\"payloadFormat\":\"JSON_API_V1\"},\"data\":\"" + Base64.getEncoder().encodeToString(object.getBytes(StandardCharsets.UTF_8))
                            + "\",\"messageId\":\"" + i + "\"},\"subscription\":\"projects/p/subscriptions/s\"}").getBytes(StandardCharsets.UTF_8));
                    kinds.add("gcs");
                }
                case 1 -> {
                    payloads.add(s3(key).getBytes(StandardCharsets.UTF_8));
                    kinds.add("s3");
                }
                case 2 -> {
                    String message = s3(key).replace("\\", "\\\\").replace("\"", "\\\"");
                    payloads.add(("{\"type\":\"Notification\",\"topic_urn\":\"urn:smn:r:p:t\",\"message_id\":\"" + i + "\",\"message\":\""
                            + message + "\",\"signature_version\":\"v1\"}").getBytes(StandardCharsets.UTF_8));
                    kinds.add("obs");
                }
                default -> {
                    payloads.add(("{\"specversion\":\"1.0\",\"id\":\"" + i + "\",\"source\":\"//storage.googleapis.com/projects/_/buckets/raw\","
                            + "\"type\":\"google.cloud.storage.object.v1.finalized\",\"data\":{\"bucket\":\"raw\",\"name\":\"" + key
                            + "\",\"size\":\"1234\"}}").getBytes(StandardCharsets.UTF_8));
                    kinds.add("cloudevents");
                }
            }
        }
        NotificationParser parser = new NotificationParser();
        var json = JsonMapper.builder().build();
        AtomicLong completions = new AtomicLong();
        try (DatasetTracker tracker = new DatasetTracker(Duration.ofHours(1), Clock.systemUTC(), (d, m) -> completions.incrementAndGet(),
                Duration.ofSeconds(1))) {
            RawBucket benchRaw = new RawBucket(URI.create("gs://raw/"));
            // the service forwards through Kafka to the owner; here each goes to the tracker at once, as the owner's would
            NotificationIntake intake = new NotificationIntake(benchRaw, tracker, (event, key) -> benchRaw.locate(event.bucket(), event.key())
                    .ifPresent(o -> tracker.objectStored(o.dataset(), o.isCompletionMarker())));
            for (int round = 0; round < 2; round++) { // the first round warms up the JIT
                long baseline = time(() -> payloads.forEach(p -> json.readTree(p)));
                long normalised = time(() -> {
                    for (int i = 0; i < payloads.size(); i++) {
                        var n = switch (kinds.get(i)) {
                            case "gcs" -> parser.gcs(payloads.get(i));
                            case "s3" -> parser.s3(payloads.get(i));
                            case "obs" -> parser.obs(payloads.get(i), null);
                            default -> parser.cloudEvents(payloads.get(i));
                        };
                        intake.accept(n.events());
                    }
                });
                if (round == 1) {
                    double perSecond = count / (normalised / 1e9);
                    System.out.printf("notifications normalised: %,d in %.2f s = %,.0f per second "
                                    + "(baseline, JSON parsing only: %,.0f per second; ratio %.2f)%n",
                            count, normalised / 1e9, perSecond, count / (baseline / 1e9), (double) normalised / baseline);
                }
            }
            if (intake.acceptedCount() != 2L * count) {
                throw new IllegalStateException("expected every notification accepted, got " + intake.acceptedCount());
            }
        }
    }

    private static String s3(String key) {
        String encoded = java.net.URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
        return "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"eventName\":\"ObjectCreated:Put\","
                + "\"s3\":{\"bucket\":{\"name\":\"raw\"},\"object\":{\"key\":\"" + encoded + "\",\"size\":1234,\"eTag\":\"e\"}}}]}";
    }

    private static void assembly(Path root, int images, int parallelism, int repeats) throws Exception {
        FileObjectStore store = new FileObjectStore(root);
        RawBucket raw = new RawBucket(store.bucket("raw"));
        URI prefix = raw.datasetPrefix("bench");
        int perClass = images / 10;
        Map<String, Integer> classes = new java.util.TreeMap<>();
        for (int c = 0; c < 10; c++) {
            classes.put("class-" + c, perClass);
        }
        long writing = time(() -> {
            try {
                TestDatasets.writeImages(store, prefix, classes, 0);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        System.out.printf("wrote %,d PNG images (8x8 grey) in %.1f s%n", perClass * 10, writing / 1e9);

        // a service that has run before: one small dataset through the pipeline and the baseline warms the JIT up
        URI warmUp = raw.datasetPrefix("warm-up");
        Map<String, Integer> few = new java.util.TreeMap<>();
        classes.keySet().forEach(c -> few.put(c, 20));
        TestDatasets.writeImages(store, warmUp, few, 1_000_000);
        listAndHash(store, warmUp);
        new DatasetPipeline(new DatasetAssembler(store, raw, ValidationRules.DEFAULT, Splits.DEFAULT, parallelism),
                new DatasetVersions(store, store.bucket("training")), publisher(null, null)).complete("warm-up");
        store.put(ObjectKeys.resolve(prefix, "_SUCCESS"), new byte[0]);

        // baseline and pipeline alternate, so both see the same load on a shared machine
        List<Double> ratios = new ArrayList<>();
        for (int run = 1; run <= repeats; run++) {
            long baseline = listAndHash(store, prefix);
            forget(store, "bench"); // a new dataset for a new service: nothing published, nothing cached
            CountDownLatch ready = new CountDownLatch(1);
            AtomicLong readyAt = new AtomicLong();
            DatasetPipeline pipeline = new DatasetPipeline(
                    new DatasetAssembler(store, raw, ValidationRules.DEFAULT, Splits.DEFAULT, parallelism),
                    new DatasetVersions(store, store.bucket("training")), publisher(ready, readyAt));
            try (DatasetTracker tracker = new DatasetTracker(Duration.ofHours(1), Clock.systemUTC(), pipeline::complete,
                    Duration.ofMillis(250))) {
                NotificationIntake intake = new NotificationIntake(raw, tracker, (event, key) -> { });
                long marker = System.nanoTime();
                intake.accept(List.of(io.sluice.ingest.domain.ObjectEvent.stored("bench", "raw", "datasets/bench/_SUCCESS", 0, null)),
                        raw.ownerKey("bench"));
                if (!ready.await(10, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("no DatasetReady within 10 minutes");
                }
                long elapsed = readyAt.get() - marker;
                while (tracker.pending() > 0) {
                    Thread.sleep(10); // the pipeline's last writes after the event
                }
                double ratio = (double) elapsed / baseline;
                ratios.add(ratio);
                System.out.printf("run %d: completion marker -> DatasetReady for %,d images: %.2f s "
                                + "(baseline, listing + reading + SHA-256 of the same files on one thread: %.2f s; ratio %.2f; "
                                + "%d assembly threads)%n", run, perClass * 10, elapsed / 1e9, baseline / 1e9, ratio, parallelism);
                if (run == repeats) {
                    long again = time(() -> {
                        try {
                            pipeline.complete("bench");
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                    System.out.printf("duplicate marker for the same content (no event): %.2f s (ratio %.2f to the last baseline)%n",
                            again / 1e9, (double) again / baseline);
                }
            }
        }
        ratios.sort(null);
        System.out.printf("median ratio of %d runs: %.2f%n", repeats, ratios.get(ratios.size() / 2));
    }

    /** Removes what the pipeline wrote for a dataset to the training bucket, so the next run publishes again. */
    private static void forget(FileObjectStore store, String dataset) throws java.io.IOException {
        URI versions = ObjectKeys.resolve(store.bucket("training"), "datasets/" + dataset + "/");
        List<URI> written;
        try (Stream<StoredObject> objects = store.list(versions)) {
            written = objects.map(StoredObject::uri).toList();
        }
        for (URI uri : written) {
            store.delete(uri);
        }
    }

    private static DatasetPublisher publisher(CountDownLatch ready, AtomicLong readyAt) {
        return new DatasetPublisher() {
            @Override
            public void ready(Assembly assembly, URI manifestUri) {
                if (ready != null) {
                    readyAt.set(System.nanoTime());
                    ready.countDown();
                }
            }

            @Override
            public void rejected(Assembly assembly, URI reportUri) {
                throw new IllegalStateException("benchmark dataset rejected: " + assembly.issues());
            }
        };
    }

    private static long time(Runnable work) {
        long start = System.nanoTime();
        work.run();
        return System.nanoTime() - start;
    }

    /** The baseline: list the prefix, read and hash every file, one thread. */
    private static long listAndHash(FileObjectStore store, URI prefix) {
        return time(() -> {
            try (Stream<StoredObject> objects = store.list(prefix)) {
                objects.forEach(o -> {
                    try {
                        FileFacts.sha256(store.read(o.uri()));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}
