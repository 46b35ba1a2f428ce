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

import org.HdrHistogram.Histogram;
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
 * with a PNG) and, for {@code infer}, over gRPC ({@code ModelInfer} with binary tensors, beside each REST point of the
 * batched service: {@code grpc=true}) at several client concurrencies, with dynamic batching off ({@code max-batch-size=1})
 * and on, against the raw in-process DJL predictor at its best batch size (the limit); prints
 * requests/s, p50 and p99, the ratios, and where the CPU went per answered input. The service and
 * an embedded broker run in this JVM; the load comes from a separate process (wrk, or a client JVM)
 * unless {@code --client=in-process}. The machine is shared, so figures compare only within one run.
 *
 * <p>Arguments ({@code --name=value}, all optional): {@code concurrency=1,8,32,64},
 * {@code seconds=8} (measured per point), {@code warmup-seconds=2}, {@code shape=1,28,28} (the
 * default image model's input, C,H,W), {@code max-batch-size=32}, {@code max-queue-delay=5ms},
 * {@code raw-batches=1,8,32,64}, {@code endpoint=infer|predict}, {@code client=wrk|jvm|in-process}
 * (default wrk when it is on the PATH, else jvm), {@code unbatched=true} (false skips the
 * batching-off service), {@code service-warmup-seconds=15} (load at the highest concurrency before
 * each service's first point, unmeasured), {@code overload=N}: instead of all that, the batched service
 * at concurrency N twice in the same run, first without shedding and with Tomcat's default 200 request
 * threads (how it was), then with the service's defaults ({@code max-queue-wait}, request threads):
 * p50/p99 of every answer, answers per second, the share of 503s (counted by the service) and the load.
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
    private final String client;
    private final boolean grpc;
    private Path bodies;
    /** The gRPC points (binary tensors) measured beside the batched service's REST points. */
    private final List<Point> grpcPoints = new ArrayList<>();

    private InferenceBenchmark(Map<String, String> options) {
        this.options = options;
        this.concurrencies = ints(options.getOrDefault("concurrency", "1,8,32,64"));
        this.measure = Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", "8")));
        this.warmup = Duration.ofSeconds(Long.parseLong(options.getOrDefault("warmup-seconds", "2")));
        this.shape = ints(options.getOrDefault("shape", "1,28,28"));
        this.predictEndpoint = "predict".equals(options.getOrDefault("endpoint", "infer"));
        this.client = options.getOrDefault("client", onPath("wrk") ? "wrk" : "jvm");
        this.grpc = !predictEndpoint && Boolean.parseBoolean(options.getOrDefault("grpc", "true"));
        if (!List.of("wrk", "jvm", "in-process").contains(client)) {
            throw new IllegalArgumentException("--client must be wrk, jvm or in-process");
        }
    }

    /** One measured point. */
    record Point(String what, int concurrency, double perSecond, double p50Millis, double p99Millis, long errors, double load,
                 Map<String, Double> cpuMillisPerRequest, double refused) {

        Point(String what, int concurrency, double perSecond, double p50Millis, double p99Millis, long errors, double load) {
            this(what, concurrency, perSecond, p50Millis, p99Millis, errors, load, Map.of(), 0);
        }

        /** The same point with the share of answers that were 503s, as the service counted them. */
        Point refusing(double share) {
            return new Point(what, concurrency, perSecond, p50Millis, p99Millis, errors, load, cpuMillisPerRequest, share);
        }
    }

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
        System.out.printf(Locale.ROOT, "model %s:%s %s %s on %s, %d CPU cores, engine %s, load average %.2f%n", MODEL, VERSION,
                card.architecture().asMap(), card.input().shape(), Devices.best(), Runtime.getRuntime().availableProcessors(),
                Engine.getInstance().getEngineName(), load());
        System.out.printf(Locale.ROOT, "clients: %s%n", switch (client) {
            case "wrk" -> "wrk (a separate process, 2 threads, one connection per unit of concurrency)";
            case "jvm" -> "JDK HttpClient in a separate JVM (LoadClient)";
            default -> "JDK HttpClient threads in this JVM";
        });
        bodies = writeBodies(dataDir.resolve("bodies"));
        if (options.containsKey("overload")) {
            overload(dataDir, modelUri, Integer.parseInt(options.get("overload")));
            return;
        }

        List<Point> raw = raw(store, dataDir, modelUri, card, ints(options.getOrDefault("raw-batches", "1,8,32,64")), "before");
        Point limit = raw.stream().max((a, b) -> Double.compare(a.perSecond(), b.perSecond())).orElseThrow();

        SluiceKafka kafka = new SluiceKafka().start();
        try {
            List<Point> unbatched = Boolean.parseBoolean(options.getOrDefault("unbatched", "true"))
                    ? service(kafka, dataDir, modelUri, 1, "service, batching off") : new ArrayList<>();
            int maxBatch = Integer.parseInt(options.getOrDefault("max-batch-size", "32"));
            List<Point> batched = service(kafka, dataDir, modelUri, maxBatch, "service, batching " + maxBatch, concurrencies, grpc);
            // the raw limit once more: if the machine's load drifted during the run, the two differ
            int bestBatch = Integer.parseInt(limit.what().replaceAll(".*batch (\\d+).*", "$1"));
            raw.addAll(raw(store, dataDir, modelUri, card, List.of(bestBatch), "after"));
            // the limit is the better of the two: on a shared machine the conservative choice for the ratio
            Point after = raw.get(raw.size() - 1);
            report(raw, after.perSecond() > limit.perSecond() ? after : limit, unbatched, batched, grpcPoints);
        } finally {
            kafka.stop();
        }
    }

    /** The batched service at one high concurrency, without shedding (as it was) and with the service's defaults. */
    private void overload(Path dataDir, URI modelUri, int concurrency) throws Exception {
        int maxBatch = Integer.parseInt(options.getOrDefault("max-batch-size", "32"));
        List<Point> points = new ArrayList<>();
        SluiceKafka kafka = new SluiceKafka().start();
        try {
            points.addAll(service(kafka, dataDir, modelUri, maxBatch, "queuing (no shedding, 200 threads)", List.of(concurrency),
                    "--sluice.inference.max-queue-wait=0", "--server.tomcat.threads.max=200"));
            points.addAll(service(kafka, dataDir, modelUri, maxBatch, "shedding (service defaults)", List.of(concurrency)));
        } finally {
            kafka.stop();
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%-36s %6s %12s %10s %10s %8s %6s%n", "what", "conc.", "answers/s", "p50 ms", "p99 ms", "503 %",
                "load");
        for (Point p : points) {
            System.out.printf(Locale.ROOT, "%-36s %6d %12.1f %10.2f %10.2f %8.1f %6.2f%n", p.what(), p.concurrency(), p.perSecond(),
                    p.p50Millis(), p.p99Millis(), 100.0 * p.refused(), p.load());
        }
        System.out.printf(Locale.ROOT, "p99 shedding/queuing: %.2f%n", points.get(1).p99Millis() / points.get(0).p99Millis());
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
                    CpuAccount before = CpuAccount.now();
                    long start = System.nanoTime();
                    end = start + measure.toNanos();
                    while (System.nanoTime() < end) {
                        long t = System.nanoTime();
                        predictor.batchPredict(inputs);
                        latencies.recordValue((System.nanoTime() - t) / 1_000);
                        items += batch;
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    Map<String, Double> cpu = new LinkedHashMap<>();
                    long count = items;
                    CpuAccount.now().since(before).forEach((role, sec) -> cpu.put(role, 1e3 * sec / count));
                    return new Point("raw DJL predictor, batch " + batch + " (" + when + ")", 1, items / seconds,
                            latencies.getValueAtPercentile(50) / 1e3, latencies.getValueAtPercentile(99) / 1e3, 0, load(), cpu, 0);
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
        return service(kafka, dataDir, modelUri, maxBatchSize, what, concurrencies, false);
    }

    private List<Point> service(SluiceKafka kafka, Path dataDir, URI modelUri, int maxBatchSize, String what, List<Integer> levels,
                                String... extraSettings) throws Exception {
        return service(kafka, dataDir, modelUri, maxBatchSize, what, levels, false, extraSettings);
    }

    /**
     * The service over HTTP at each level; with {@code alsoGrpc}, over gRPC (ModelInfer, binary tensors) right after each
     * REST point on the same running service, into {@link #grpcPoints}.
     */
    private List<Point> service(SluiceKafka kafka, Path dataDir, URI modelUri, int maxBatchSize, String what, List<Integer> levels,
                                boolean alsoGrpc, String... extraSettings) throws Exception {
        List<Point> points = new ArrayList<>();
        // command-line arguments: they outrank the shared defaults (sluice-defaults.yaml), default properties would not
        String[] base = {
                "--server.port=0",
                "--sluice.data-dir=" + dataDir,
                "--sluice.inference.model-cache-dir=" + dataDir.resolve("cache-" + maxBatchSize + "-" + UUID.randomUUID()),
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--spring.cloud.stream.kafka.binder.brokers=" + kafka.bootstrapServers(),
                "--sluice.inference.max-batch-size=" + maxBatchSize,
                "--sluice.inference.max-queue-delay=" + options.getOrDefault("max-queue-delay", "5ms"),
                "--sluice.inference.queue-capacity=4096",
                "--sluice.inference.grpc.port=0",
                "--logging.level.root=WARN"};
        String[] settings = java.util.stream.Stream.concat(Arrays.stream(base), Arrays.stream(extraSettings)).toArray(String[]::new);
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(InferenceServiceApplication.class).run(settings)) {
            int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
            kafka.publish(SluiceTopics.DEPLOYMENT_STATE, MODEL, DeploymentState.newBuilder()
                    .setHeader(new EventHeader(UUID.randomUUID().toString(), Instant.now(), "bench", null, "bench"))
                    .setModelName(MODEL).setRevision(System.currentTimeMillis()).setPhase(ReleasePhase.PROMOTED)
                    .setRoutes(List.of(new Route(VERSION, RouteRole.STABLE, 100, modelUri.toString()))).build());
            HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
            awaitReady(http, port);
            // a long-running service is JIT-compiled: warm it at the highest concurrency before the first point,
            // as the raw predictor is warmed (its hot path is native code, the service's mostly Java)
            Duration serviceWarmup = Duration.ofSeconds(Long.parseLong(options.getOrDefault("service-warmup-seconds", "15")));
            if (!serviceWarmup.isZero()) {
                int most = levels.stream().max(Integer::compare).orElse(1);
                Point warm = load(http, port, most, what + " (warm-up)", serviceWarmup);
                System.out.printf(Locale.ROOT, "  warm-up, %ds at concurrency %d: %.1f requests/s%n", serviceWarmup.toSeconds(), most,
                        warm.perSecond());
                if (alsoGrpc) {
                    Point warmGrpc = grpcLoad(grpcPort(app), most, what + " gRPC (warm-up)", serviceWarmup);
                    System.out.printf(Locale.ROOT, "  gRPC warm-up, %ds at concurrency %d: %.1f requests/s%n", serviceWarmup.toSeconds(),
                            most, warmGrpc.perSecond());
                }
            }
            io.micrometer.core.instrument.MeterRegistry meters = app.getBean(io.micrometer.core.instrument.MeterRegistry.class);
            for (int concurrency : levels) {
                double[] before = answers(meters);
                Point point = load(http, port, concurrency, what, measure);
                double[] after = answers(meters);
                double all = after[0] - before[0];
                points.add(point.refusing(all == 0 ? 0 : (after[1] - before[1]) / all));
                print(points.get(points.size() - 1), "requests/s");
                if (alsoGrpc) {
                    grpcPoints.add(grpcLoad(grpcPort(app), concurrency, what + ", gRPC binary", measure));
                    print(grpcPoints.get(grpcPoints.size() - 1), "requests/s");
                }
            }
        }
        return points;
    }

    private static int grpcPort(ConfigurableApplicationContext app) {
        return app.getBean(io.sluice.inference.grpc.GrpcServer.class).port();
    }

    /** One gRPC load point: {@link GrpcLoadClient} in its own JVM (in this one with {@code --client=in-process}). */
    private Point grpcLoad(int port, int concurrency, String what, Duration measure) throws Exception {
        Map<String, Double> cpu = new LinkedHashMap<>();
        String shapeArg = "1," + shape.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElseThrow();
        LoadClient.Result result;
        if (client.equals("in-process")) {
            io.grpc.ManagedChannel channel = io.grpc.Grpc.newChannelBuilder("127.0.0.1:" + port,
                    io.grpc.InsecureChannelCredentials.create()).build();
            try {
                List<io.sluice.inference.grpc.v2.ModelInferRequest> requests = new ArrayList<>();
                for (Path tensor : tensorFiles()) {
                    io.sluice.inference.grpc.v2.ModelInferRequest.InferInputTensor.Builder input =
                            io.sluice.inference.grpc.v2.ModelInferRequest.InferInputTensor.newBuilder().setName("input").setDatatype("FP32");
                    Arrays.stream(shapeArg.split(",")).forEach(size -> input.addShape(Long.parseLong(size)));
                    requests.add(io.sluice.inference.grpc.v2.ModelInferRequest.newBuilder().setModelName(MODEL).addInputs(input)
                            .addRawInputContents(com.google.protobuf.ByteString.copyFrom(Files.readAllBytes(tensor))).build());
                }
                result = GrpcLoadClient.run(channel, requests, concurrency, warmup, measure);
            } finally {
                channel.shutdownNow();
            }
        } else {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = List.of(java, "-XX:+UseSerialGC", "-Xmx256m", "-cp", classPath(), GrpcLoadClient.class.getName(),
                    "--target=127.0.0.1:" + port, "--model=" + MODEL, "--shape=" + shapeArg, "--bodies=" + bodies,
                    "--concurrency=" + concurrency, "--seconds=" + measure.toSeconds(), "--warmup-seconds=" + warmup.toSeconds());
            CpuAccount before = CpuAccount.now();
            result = LoadClient.Result.parse(resultLine(exec(command)));
            // the client's warm-up is inside this window too: CPU per answered input is an upper bound here
            cpu.putAll(CpuAccount.now().since(before));
        }
        Map<String, Double> perRequest = new LinkedHashMap<>();
        long ok = result.ok();
        cpu.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> perRequest.put(e.getKey(), 1e3 * e.getValue() / Math.max(1, ok)));
        return new Point(what, concurrency, result.ok() / result.seconds(), result.p50Micros() / 1e3, result.p99Micros() / 1e3,
                result.errors(), load(), perRequest, 0);
    }

    /** Requests the service answered on the model's endpoints so far, and how many of them with 503. */
    private static double[] answers(io.micrometer.core.instrument.MeterRegistry meters) {
        double all = 0;
        double refused = 0;
        for (io.micrometer.core.instrument.Timer timer : meters.find("http.server.requests").timers()) {
            String uri = timer.getId().getTag("uri");
            if (uri != null && uri.startsWith("/v2/models/")) {
                all += timer.count();
                if ("503".equals(timer.getId().getTag("status"))) {
                    refused += timer.count();
                }
            }
        }
        return new double[] {all, refused};
    }

    /** One load point against the service, from the configured kind of client. */
    private Point load(HttpClient http, int port, int concurrency, String what, Duration measure) throws Exception {
        URI url = URI.create("http://127.0.0.1:" + port + path());
        Map<String, Double> cpu = new LinkedHashMap<>();
        LoadClient.Result result = switch (client) {
            case "wrk" -> wrk(url, concurrency, measure, cpu);
            case "jvm" -> {
                CpuAccount before = CpuAccount.now();
                LoadClient.Result forked = forkedClient(url, concurrency, measure);
                cpu.putAll(CpuAccount.now().since(before)); // the client's warm-up included: an upper bound per input
                yield forked;
            }
            default -> {
                List<HttpRequest> requests = new ArrayList<>();
                for (Path body : bodyFiles()) {
                    requests.add(HttpRequest.newBuilder(url).header("Content-Type", contentType())
                            .POST(HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(body))).build());
                }
                yield LoadClient.run(http, requests, concurrency, warmup, measure);
            }
        };
        Map<String, Double> perRequest = new LinkedHashMap<>();
        cpu.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> perRequest.put(e.getKey(), 1e3 * e.getValue() / Math.max(1, result.ok())));
        return new Point(what, concurrency, result.ok() / result.seconds(), result.p50Micros() / 1e3, result.p99Micros() / 1e3,
                result.errors(), load(), perRequest, 0);
    }

    /**
     * wrk, a separate native process: a warm-up run, then the measured one; its Lua script reports in µs.
     * {@code cpu} receives the CPU seconds by role spent during the measured run.
     */
    private LoadClient.Result wrk(URI url, int concurrency, Duration measure, Map<String, Double> cpu) throws Exception {
        Path script = bodies.resolve("bench.lua");
        if (!Files.exists(script)) {
            Files.writeString(script, """
                    local requests = {}
                    local n = %d
                    init = function(args)
                      for i = 1, n do
                        local f = assert(io.open("%s/body-" .. string.format("%%03d", i - 1) .. ".bin", "rb"))
                        local body = f:read("*a")
                        f:close()
                        requests[i] = wrk.format("POST", "%s", {["Content-Type"] = "%s"}, body)
                      end
                    end
                    local i = 0
                    request = function()
                      i = i %% n + 1
                      return requests[i]
                    end
                    done = function(summary, latency, requests)
                      local e = summary.errors
                      io.write(string.format("RESULT %%d %%d %%.6f %%d %%d\\n", summary.requests - e.status,
                        e.status + e.connect + e.read + e.write + e.timeout, summary.duration / 1e6,
                        latency:percentile(50), latency:percentile(99)))
                    end
                    """.formatted(bodyFiles().size(), bodies, path(), contentType()));
        }
        int threads = Math.min(concurrency, 2);
        List<String> command = List.of("wrk", "-t" + threads, "-c" + concurrency, "--timeout", "30s", "-s", script.toString());
        if (!warmup.isZero()) {
            exec(concat(command, List.of("-d" + warmup.toSeconds() + "s", url.toString())));
        }
        CpuAccount before = CpuAccount.now();
        String output = exec(concat(command, List.of("-d" + measure.toSeconds() + "s", url.toString())));
        if (options.containsKey("overload")) { // wrk's own summary: socket errors and non-2xx answers
            output.lines().filter(l -> !l.startsWith("RESULT")).forEach(l -> System.out.println("    wrk| " + l));
        }
        LoadClient.Result result = LoadClient.Result.parse(resultLine(output));
        cpu.putAll(CpuAccount.now().since(before));
        return result;
    }

    /** {@link LoadClient} in its own JVM, on this JVM's class path. */
    private LoadClient.Result forkedClient(URI url, int concurrency, Duration measure) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return LoadClient.Result.parse(resultLine(exec(List.of(java, "-XX:+UseSerialGC", "-Xmx256m", "-cp", classPath(),
                LoadClient.class.getName(), "--url=" + url, "--bodies=" + bodies, "--content-type=" + contentType(),
                "--concurrency=" + concurrency, "--seconds=" + measure.toSeconds(), "--warmup-seconds=" + warmup.toSeconds()))));
    }

    private static String exec(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(command.get(0) + " failed: " + out);
        }
        return out;
    }

    private static String resultLine(String output) {
        return output.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                .orElseThrow(() -> new IllegalStateException("the load client printed no result: " + output));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** The class path this code was loaded from (under exec:java that is the plugin's class loader, not java.class.path). */
    private static String classPath() throws Exception {
        List<String> entries = new ArrayList<>();
        for (ClassLoader loader = LoadClient.class.getClassLoader(); loader != null; loader = loader.getParent()) {
            if (loader instanceof java.net.URLClassLoader urls) {
                for (java.net.URL entry : urls.getURLs()) {
                    entries.add(Path.of(entry.toURI()).toString());
                }
            }
        }
        return entries.isEmpty() ? System.getProperty("java.class.path") : String.join(java.io.File.pathSeparator, entries);
    }

    private String path() {
        return "/v2/models/" + MODEL + (predictEndpoint ? "/predict" : "/infer");
    }

    private String contentType() {
        return predictEndpoint ? "multipart/form-data; boundary=bench-boundary" : "application/json";
    }

    private List<Path> bodyFiles() throws Exception {
        try (var files = Files.list(bodies)) {
            return files.filter(f -> f.getFileName().toString().matches("body-\\d+\\.bin")).sorted().toList();
        }
    }

    private List<Path> tensorFiles() throws Exception {
        try (var files = Files.list(bodies)) {
            return files.filter(f -> f.getFileName().toString().matches("tensor-\\d+\\.bin")).sorted().toList();
        }
    }

    /**
     * 64 request bodies (KServe v2 JSON tensors, or multipart PNG uploads), written once for every kind of client; for
     * JSON, the same values as raw FP32 little-endian tensors for gRPC ({@code tensor-*.bin}).
     */
    private Path writeBodies(Path dir) throws Exception {
        Files.createDirectories(dir);
        Random random = new Random(7);
        int size = shape.stream().reduce(1, (a, b) -> a * b);
        for (int r = 0; r < 64; r++) {
            byte[] body;
            if (predictEndpoint) {
                ByteArrayOutputStream multipart = new ByteArrayOutputStream();
                multipart.writeBytes(("--bench-boundary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.png\"\r\n"
                        + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                multipart.writeBytes(TestModels.png(shape.get(2), shape.get(1), r));
                multipart.writeBytes("\r\n--bench-boundary--\r\n".getBytes(StandardCharsets.UTF_8));
                body = multipart.toByteArray();
            } else {
                StringBuilder data = new StringBuilder();
                java.nio.ByteBuffer raw = java.nio.ByteBuffer.allocate(4 * size).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < size; i++) {
                    String value = String.format(Locale.ROOT, "%.4f", random.nextFloat());
                    data.append(i == 0 ? "" : ",").append(value);
                    raw.putFloat(Float.parseFloat(value));
                }
                Files.write(dir.resolve(String.format(Locale.ROOT, "tensor-%03d.bin", r)), raw.array());
                body = ("{\"inputs\":[{\"name\":\"input\",\"shape\":[1," + shape.stream().map(String::valueOf)
                        .reduce((a, b) -> a + "," + b).orElseThrow() + "],\"datatype\":\"FP32\",\"data\":[" + data + "]}]}")
                        .getBytes(StandardCharsets.UTF_8);
            }
            Files.write(dir.resolve(String.format(Locale.ROOT, "body-%03d.bin", r)), body);
        }
        return dir;
    }

    /** The 1-minute load average of this machine (shared with other work: figures mean something only within one run). */
    private static double load() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
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

    private static void report(List<Point> raw, Point limit, List<Point> unbatched, List<Point> batched, List<Point> grpc) {
        System.out.println();
        System.out.printf(Locale.ROOT, "%-38s %6s %12s %10s %10s %7s %6s%n", "what", "conc.", "per second", "p50 ms", "p99 ms", "errors",
                "load");
        for (List<Point> points : List.of(raw, unbatched, batched)) {
            points.forEach(p -> System.out.printf(Locale.ROOT, "%-38s %6d %12.1f %10.2f %10.2f %7d %6.2f%n", p.what(), p.concurrency(),
                    p.perSecond(), p.p50Millis(), p.p99Millis(), p.errors(), p.load()));
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "raw predictor limit: %.1f inputs/s (%s, the best of the raw points before and after the"
                + " service runs)%n", limit.perSecond(), limit.what());
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
        if (!grpc.isEmpty()) {
            System.out.println();
            System.out.println("the batched service over REST (JSON tensors) and gRPC (binary tensors), each / the raw predictor limit:");
            System.out.printf(Locale.ROOT, "%6s %12s %12s %10s %10s %12s %12s %10s%n", "conc.", "REST rps", "gRPC rps", "REST/raw",
                    "gRPC/raw", "REST p99 ms", "gRPC p99 ms", "gRPC/REST");
            for (int i = 0; i < Math.min(batched.size(), grpc.size()); i++) {
                Point rest = batched.get(i);
                Point binary = grpc.get(i);
                System.out.printf(Locale.ROOT, "%6d %12.1f %12.1f %10.2f %10.2f %12.2f %12.2f %10.2f%n", rest.concurrency(),
                        rest.perSecond(), binary.perSecond(), rest.perSecond() / limit.perSecond(),
                        binary.perSecond() / limit.perSecond(), rest.p99Millis(), binary.p99Millis(),
                        binary.perSecond() / rest.perSecond());
            }
            Point bestGrpc = grpc.stream().max((a, b) -> Double.compare(a.perSecond(), b.perSecond())).orElseThrow();
            System.out.printf(Locale.ROOT, "best gRPC throughput / raw limit: %.2f (concurrency %d)%n",
                    bestGrpc.perSecond() / limit.perSecond(), bestGrpc.concurrency());
            printCpu(bestGrpc);
        }
        System.out.println("CPU per input of the raw limit, then of the best service point:");
        printCpu(limit);
        printCpu(best);
        double service = ownCpu(best);
        double rawCpu = ownCpu(limit);
        if (service > 0 && rawCpu > 0) {
            System.out.printf(Locale.ROOT, "CPU per input, the service's own threads (all but the harness's broker, the clients and other"
                    + " processes) %.3f ms vs the raw predictor's %.3f ms: raw/service %.2f%n", service, rawCpu, rawCpu / service);
        }
    }

    private static void print(Point p, String unit) {
        System.out.printf(Locale.ROOT, "  %s, concurrency %d: %.1f %s, p50 %.2f ms, p99 %.2f ms%s%s (load average %.2f)%n", p.what(),
                p.concurrency(), p.perSecond(), unit, p.p50Millis(), p.p99Millis(), p.errors() > 0 ? ", " + p.errors() + " errors" : "",
                p.refused() > 0 ? String.format(Locale.ROOT, ", %.1f %% answered 503", 100 * p.refused()) : "", p.load());
        printCpu(p);
    }

    /** CPU ms per input spent by the measured JVM's own work: not the embedded broker, the clients or other processes. */
    private static double ownCpu(Point p) {
        return p.cpuMillisPerRequest().entrySet().stream()
                .filter(e -> !e.getKey().equals(CpuAccount.CLIENTS) && !e.getKey().equals(CpuAccount.OTHERS)
                        && !e.getKey().startsWith("embedded Kafka broker"))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    private static void printCpu(Point p) {
        if (!p.cpuMillisPerRequest().isEmpty()) {
            System.out.printf(Locale.ROOT, "    CPU ms per answered input: %s%n", p.cpuMillisPerRequest().entrySet().stream()
                    .map(e -> String.format(Locale.ROOT, "%s %.3f", e.getKey(), e.getValue())).reduce((a, b) -> a + " · " + b).orElse(""));
        }
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
