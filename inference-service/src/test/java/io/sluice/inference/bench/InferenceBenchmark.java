package io.sluice.inference.bench;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import io.sluice.events.DeploymentState;
import io.sluice.events.EventHeader;
import io.sluice.events.ReleasePhase;
import io.sluice.events.Route;
import io.sluice.events.RouteRole;
import io.sluice.inference.InferenceServiceApplication;
import io.sluice.inference.TestModels;
import io.sluice.models.Devices;
import io.sluice.models.Inputs;
import io.sluice.models.LoadedModel;
import io.sluice.models.ModelCard;
import io.sluice.models.ModelPackage;
import io.sluice.models.Prediction;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.testkit.SluiceKafka;

/**
 * Measures the inference-service end to end over HTTP (KServe v2 {@code infer}, or {@code predict}
 * with a PNG) at several client concurrencies, with dynamic batching off ({@code max-batch-size=1})
 * and on, against the raw in-process DJL predictor at its best batch size (the limit); prints
 * requests/s, p50 and p99 and the ratios. Everything (broker, service, clients) runs in this JVM on
 * this machine, so the figures are only comparable within one run.
 *
 * <p>Arguments ({@code --name=value}, all optional): {@code concurrency=1,8,32,64},
 * {@code seconds=8} (measured per point), {@code warmup-seconds=2}, {@code shape=1,28,28} (the
 * default image model's input, C,H,W), {@code max-batch-size=32}, {@code max-queue-delay=5ms},
 * {@code raw-batches=1,8,32,64}, {@code endpoint=infer|predict}.
 */
public final class InferenceBenchmark {

    private static final String MODEL = "bench";
    private static final String VERSION = "v1";

    private final Map<String, String> options;
    private final List<Integer> concurrencies;
    private final Duration measure;
    private final Duration warmup;
    private final List<Integer> shape;
    private final boolean predictEndpoint;

    private InferenceBenchmark(Map<String, String> options) {
        this.options = options;
        this.concurrencies = ints(options.getOrDefault("concurrency", "1,8,32,64"));
        this.measure = Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", "8")));
        this.warmup = Duration.ofSeconds(Long.parseLong(options.getOrDefault("warmup-seconds", "2")));
        this.shape = ints(options.getOrDefault("shape", "1,28,28"));
        this.predictEndpoint = "predict".equals(options.getOrDefault("endpoint", "infer"));
    }

    /** One measured point. */
    record Point(String what, int concurrency, double perSecond, double p50Millis, double p99Millis, long errors) {}

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES", "io.sluice.events");
        System.setProperty("java.awt.headless", "true");
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            String[] kv = arg.replaceFirst("^--", "").split("=", 2);
            options.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        quietLogging();
        int status = 0;
        try {
            new InferenceBenchmark(options).run();
        } catch (Exception | Error e) {
            e.printStackTrace();
            status = 1;
        }
        System.exit(status); // the broker and the service leave non-daemon threads behind

    }

    private void run() throws Exception {
        Path dataDir = Files.createTempDirectory("sluice-bench-");
        FileObjectStore store = new FileObjectStore(dataDir.resolve("buckets"));
        ModelCard card = card();
        URI modelUri = TestModels.write(store, store.bucket("sluice-local-models"), card, 42);
        System.out.printf(Locale.ROOT, "model %s:%s %s %s on %s, %d CPU cores, engine %s%n", MODEL, VERSION, card.architecture().asMap(),
                card.input().shape(), Devices.best(), Runtime.getRuntime().availableProcessors(), Engine.getInstance().getEngineName());

        List<Point> raw = raw(store, dataDir, modelUri, card, ints(options.getOrDefault("raw-batches", "1,8,32,64")), "before");
        Point limit = raw.stream().max((a, b) -> Double.compare(a.perSecond(), b.perSecond())).orElseThrow();

        SluiceKafka kafka = new SluiceKafka().start();
        try {
            List<Point> unbatched = service(kafka, dataDir, modelUri, 1, "service, batching off");
            int maxBatch = Integer.parseInt(options.getOrDefault("max-batch-size", "32"));
            List<Point> batched = service(kafka, dataDir, modelUri, maxBatch, "service, batching " + maxBatch);
            // the raw limit once more: if the machine's load drifted during the run, the two differ
            int bestBatch = Integer.parseInt(limit.what().replaceAll(".*batch (\\d+).*", "$1"));
            raw.addAll(raw(store, dataDir, modelUri, card, List.of(bestBatch), "after"));
            report(raw, limit, unbatched, batched);
        } finally {
            kafka.stop();
        }
    }

    private ModelCard card() {
        ModelCard base = TestModels.imageCard(MODEL, VERSION, shape.get(1), List.of(16, 32), List.of(64));
        ModelCard.Architecture defaults = ModelCard.Architecture.defaultFor(ModelCard.InputSpec.IMAGE_FOLDER);
        ModelCard.InputSpec input = new ModelCard.InputSpec(ModelCard.InputSpec.IMAGE_FOLDER, shape,
                shape.get(0) == 3 ? ModelCard.InputSpec.RGB : ModelCard.InputSpec.GRAYSCALE, List.of());
        List<Double> mean = new ArrayList<>();
        List<Double> std = new ArrayList<>();
        for (int c = 0; c < shape.get(0); c++) {
            mean.add(0.5);
            std.add(0.25);
        }
        return new ModelCard(base.formatVersion(), MODEL, VERSION, defaults, base.classNames(), input,
                new ModelCard.Normalisation(mean, std), base.training(), base.history(), base.bestEpoch(), base.dataset(), null,
                base.runId(), base.createdAt(), Map.of(), base.trainingData());
    }

    /** The raw predictor: batches of prepared (decoded, normalised) inputs straight into DJL, no HTTP, no queue. */
    private List<Point> raw(FileObjectStore store, Path dataDir, URI modelUri, ModelCard card, List<Integer> batches, String when)
            throws Exception {
        List<Point> points = new ArrayList<>();
        Random random = new Random(1);
        // measured on a fresh worker thread, as the service's batchers run: on the thread that first initialised
        // the engine (here main) PyTorch ran ~100x slower on the build machine, which would flatter the service
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "raw-predictor"));
        try (LoadedModel model = new ModelPackage(store, dataDir.resolve("raw-cache")).load(modelUri, Devices.best());
             Predictor<float[], Prediction> predictor = model.newPredictor()) {
            for (int batch : batches) {
                List<float[]> inputs = new ArrayList<>();
                for (int i = 0; i < batch; i++) {
                    float[] pixels = new float[card.input().size()];
                    for (int p = 0; p < pixels.length; p++) {
                        pixels[p] = random.nextFloat();
                    }
                    inputs.add(Inputs.normalise(pixels, card.input(), card.normalisation()));
                }
                points.add(worker.submit(() -> {
                    Histogram latencies = new Histogram(3);
                    long items = 0;
                    long end = System.nanoTime() + warmup.toNanos();
                    while (System.nanoTime() < end) {
                        predictor.batchPredict(inputs);
                    }
                    long start = System.nanoTime();
                    end = start + measure.toNanos();
                    while (System.nanoTime() < end) {
                        long t = System.nanoTime();
                        predictor.batchPredict(inputs);
                        latencies.recordValue((System.nanoTime() - t) / 1_000);
                        items += batch;
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    return new Point("raw DJL predictor, batch " + batch + " (" + when + ")", 1, items / seconds,
                            latencies.getValueAtPercentile(50) / 1e3, latencies.getValueAtPercentile(99) / 1e3, 0);
                }).get());
                print(points.get(points.size() - 1), "inputs/s");
            }
        } finally {
            worker.shutdownNow();
        }
        return points;
    }

    /** The service over HTTP, one closed-loop client thread per unit of concurrency. */
    private List<Point> service(SluiceKafka kafka, Path dataDir, URI modelUri, int maxBatchSize, String what) throws Exception {
        List<Point> points = new ArrayList<>();
        // command-line arguments: they outrank the shared defaults (sluice-defaults.yaml), default properties would not
        String[] settings = {
                "--server.port=0",
                "--sluice.data-dir=" + dataDir,
                "--sluice.inference.model-cache-dir=" + dataDir.resolve("cache-" + maxBatchSize),
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--spring.cloud.stream.kafka.binder.brokers=" + kafka.bootstrapServers(),
                "--sluice.inference.max-batch-size=" + maxBatchSize,
                "--sluice.inference.max-queue-delay=" + options.getOrDefault("max-queue-delay", "5ms"),
                "--sluice.inference.queue-capacity=4096",
                "--logging.level.root=WARN"};
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(InferenceServiceApplication.class).run(settings)) {
            int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
            kafka.publish(SluiceTopics.DEPLOYMENT_STATE, MODEL, DeploymentState.newBuilder()
                    .setHeader(new EventHeader(UUID.randomUUID().toString(), Instant.now(), "bench", null, "bench"))
                    .setModelName(MODEL).setRevision(System.currentTimeMillis()).setPhase(ReleasePhase.PROMOTED)
                    .setRoutes(List.of(new Route(VERSION, RouteRole.STABLE, 100, modelUri.toString()))).build());
            HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
            awaitReady(http, port);
            List<HttpRequest> requests = requests(port);
            for (int concurrency : concurrencies) {
                points.add(load(http, requests, concurrency, what));
                print(points.get(points.size() - 1), "requests/s");
            }
        }
        return points;
    }

    private Point load(HttpClient http, List<HttpRequest> requests, int concurrency, String what) throws Exception {
        Recorder recorder = new Recorder(3);
        AtomicLong done = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long warmEnd = System.nanoTime() + warmup.toNanos();
        long end = warmEnd + measure.toNanos();
        ExecutorService clients = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < concurrency; c++) {
                int offset = c;
                running.add(clients.submit(() -> {
                    int i = offset;
                    while (true) {
                        long t = System.nanoTime();
                        if (t >= end) {
                            return null;
                        }
                        HttpResponse<Void> response = http.send(requests.get(i++ % requests.size()), HttpResponse.BodyHandlers.discarding());
                        long now = System.nanoTime();
                        if (t >= warmEnd && now <= end) {
                            if (response.statusCode() == 200) {
                                recorder.recordValue((now - t) / 1_000);
                                done.incrementAndGet();
                            } else {
                                errors.incrementAndGet();
                            }
                        }
                    }
                }));
            }
            for (Future<?> future : running) {
                future.get();
            }
        } finally {
            clients.shutdownNow();
        }
        Histogram latencies = recorder.getIntervalHistogram();
        return new Point(what, concurrency, done.get() / (measure.toNanos() / 1e9), latencies.getValueAtPercentile(50) / 1e3,
                latencies.getValueAtPercentile(99) / 1e3, errors.get());
    }

    private List<HttpRequest> requests(int port) {
        Random random = new Random(7);
        List<HttpRequest> requests = new ArrayList<>();
        int size = shape.stream().reduce(1, (a, b) -> a * b);
        for (int r = 0; r < 64; r++) {
            if (predictEndpoint) {
                String boundary = "bench-" + r;
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.png\"\r\n"
                        + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                body.writeBytes(TestModels.png(shape.get(2), shape.get(1), r));
                body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
                requests.add(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v2/models/" + MODEL + "/predict"))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build());
            } else {
                StringBuilder data = new StringBuilder();
                for (int i = 0; i < size; i++) {
                    data.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", random.nextFloat()));
                }
                String json = "{\"inputs\":[{\"name\":\"input\",\"shape\":[1," + shape.stream().map(String::valueOf)
                        .reduce((a, b) -> a + "," + b).orElseThrow() + "],\"datatype\":\"FP32\",\"data\":[" + data + "]}]}";
                requests.add(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v2/models/" + MODEL + "/infer"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
            }
        }
        return requests;
    }

    private static void awaitReady(HttpClient http, int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v2/models/" + MODEL
                    + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
            if (ready.statusCode() == 200) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the model never became ready");
    }

    private static void report(List<Point> raw, Point limit, List<Point> unbatched, List<Point> batched) {
        System.out.println();
        System.out.printf(Locale.ROOT, "%-34s %6s %12s %10s %10s %7s%n", "what", "conc.", "per second", "p50 ms", "p99 ms", "errors");
        for (List<Point> points : List.of(raw, unbatched, batched)) {
            points.forEach(p -> System.out.printf(Locale.ROOT, "%-34s %6d %12.1f %10.2f %10.2f %7d%n", p.what(), p.concurrency(),
                    p.perSecond(), p.p50Millis(), p.p99Millis(), p.errors()));
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "raw predictor limit: %.1f inputs/s (%s); measured again after the service runs: %.1f%n",
                limit.perSecond(), limit.what(), raw.get(raw.size() - 1).perSecond());
        System.out.printf(Locale.ROOT, "%6s %22s %22s %22s%n", "conc.", "batched/unbatched rps", "batched/unbatched p99",
                "batched/raw limit");
        for (int i = 0; i < Math.min(unbatched.size(), batched.size()); i++) {
            Point off = unbatched.get(i);
            Point on = batched.get(i);
            System.out.printf(Locale.ROOT, "%6d %22.2f %22.2f %22.2f%n", on.concurrency(), on.perSecond() / off.perSecond(),
                    on.p99Millis() / off.p99Millis(), on.perSecond() / limit.perSecond());
        }
        Point best = batched.stream().max((a, b) -> Double.compare(a.perSecond(), b.perSecond())).orElseThrow();
        System.out.printf(Locale.ROOT, "best service throughput / raw limit: %.2f (service at concurrency %d)%n",
                best.perSecond() / limit.perSecond(), best.concurrency());
    }

    private static void print(Point p, String unit) {
        System.out.printf(Locale.ROOT, "  %s, concurrency %d: %.1f %s, p50 %.2f ms, p99 %.2f ms%s%n", p.what(), p.concurrency(),
                p.perSecond(), unit, p.p50Millis(), p.p99Millis(), p.errors() > 0 ? ", " + p.errors() + " errors" : "");
    }

    private static List<Integer> ints(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).map(Integer::parseInt).toList();
    }

    private static void quietLogging() {
        org.slf4j.Logger root = org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root instanceof ch.qos.logback.classic.Logger logback) {
            logback.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }
}
