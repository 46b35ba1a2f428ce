package io.sluice.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import io.sluice.events.CanaryDegraded;
import io.sluice.events.CanaryStarted;
import io.sluice.events.ModelApproved;
import io.sluice.events.ModelPromoted;
import io.sluice.events.ModelRejected;
import io.sluice.events.RolledBack;
import io.sluice.events.TrainingCompleted;
import io.sluice.events.TrainingFailed;
import io.sluice.local.demo.SyntheticImages;
import io.sluice.platform.events.SluiceTopics;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * How fast the live local stack rolls back a canary that is really worse (a benchmark, not a test; issue 12:
 * "from the first bad answer to {@code RolledBack} ≤ 15 s at 20 canary requests/s"). Starts the stack as
 * {@link EndToEndTests} does (broker and every service JVM from its jar, temporary data dir, free ports) with
 * the end-to-end test's fast training settings and the <b>default</b> deployment and monitoring settings,
 * releases a first model, then sends {@code rate} requests/s pinned to the stable version with honest feedback.
 * Each repetition uploads a new dataset version; once its canary answers
 * ({@code GET /v2/models/{m}/versions/{v}/ready}), {@code rate} requests/s go to the canary's
 * {@code /versions/<v>/predict}, every answer followed by feedback naming another class. Printed per repetition:
 * seconds from the first canary answer (the first bad one) to {@code CanaryDegraded} and to {@code RolledBack}
 * (the events' own times, same clock), the canary requests answered and the rate achieved; then median and
 * maximum, and the load average before and after.
 *
 * <pre>
 * ./mvnw -B -q package -DskipTests   # every service jar
 * ./mvnw -B -q -pl all-in-one -am test-compile dependency:build-classpath -Dmdep.outputFile=target/harness-cp.txt -Dmdep.includeScope=test
 * java -Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.sluice.events -Dsluice.e2e.home=$PWD \
 *   -cp all-in-one/target/test-classes:all-in-one/target/classes:$(cat all-in-one/target/harness-cp.txt) \
 *   io.sluice.local.RollbackLatencyHarness 5 20   # repetitions, canary requests/s
 * </pre>
 */
public final class RollbackLatencyHarness {

    private static final String MODEL = "rollback";
    private static final Duration STAGE = Duration.ofMinutes(10);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newFixedThreadPool(16)).build();
    private final JsonMapper json = JsonMapper.builder().build();
    private final ExecutorService callers = Executors.newFixedThreadPool(16);
    private final ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);
    private final Random random = new Random(42);
    private final String inference;
    private final int rate;

    private RollbackLatencyHarness(String inference, int rate) {
        this.inference = inference;
        this.rate = rate;
    }

    /** One repetition's figures. */
    record Run(String version, double toDegraded, double toRolledBack, long canaryAnswers, double canaryRate, String reason) {}

    public static void main(String[] args) throws Exception {
        int repetitions = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        for (Service service : Service.ALL) {
            Path jar = EndToEndTests.HOME.resolve(service.module()).resolve("target")
                    .resolve(service.module() + "-" + EndToEndTests.VERSION + "-exec.jar");
            if (!Files.exists(jar)) {
                throw new IllegalStateException(jar + " is missing; build the services first (./mvnw -B -q package -DskipTests)");
            }
        }
        String loadBefore = loadAverage();
        Path dataDir = Files.createTempDirectory("sluice-rollback-");
        int kafkaPort = EndToEndTests.freePortPair();
        int offset = EndToEndTests.freeOffset();
        Map<String, List<String>> settings = new LinkedHashMap<>();
        settings.put("training-service", EndToEndTests.fastSettings().get("training-service")); // the rest keep their defaults
        LocalStack stack = new LocalStack(new UpOptions(EndToEndTests.HOME, dataDir, kafkaPort, List.of(), false, Duration.ofMinutes(15),
                offset, settings), dataDir);
        Thread stopOnSignal = new Thread(stack::stop, "rollback-stop"); // Ctrl-C or a kill stops every process it started
        Runtime.getRuntime().addShutdownHook(stopOnSignal);
        Instant booting = Instant.now();
        stack.start();
        System.out.printf(Locale.ROOT, "rollback: stack UP in %.1f s (data %s); load average %s%n",
                Duration.between(booting, Instant.now()).toMillis() / 1000.0, dataDir, loadBefore);
        List<Run> runs = new ArrayList<>();
        try (EventLog events = new EventLog("localhost:" + kafkaPort, SluiceTopics.eventTopics())) {
            events.awaitReading(Duration.ofMinutes(1));
            RollbackLatencyHarness harness = new RollbackLatencyHarness("http://localhost:" + (8082 + offset), rate);
            runs = harness.run(events, dataDir, repetitions);
        } finally {
            stack.stop();
            Runtime.getRuntime().removeShutdownHook(stopOnSignal);
        }
        System.out.println("rollback: rep  version                      first bad answer → CanaryDegraded  → RolledBack  canary answers  canary req/s");
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            System.out.printf(Locale.ROOT, "rollback: %3d  %-28s %29.1f s %11.1f s %15d %13.1f%n", i + 1, r.version(), r.toDegraded(),
                    r.toRolledBack(), r.canaryAnswers(), r.canaryRate());
        }
        List<Double> times = runs.stream().map(Run::toRolledBack).sorted().toList();
        if (!times.isEmpty()) {
            double median = times.size() % 2 == 1 ? times.get(times.size() / 2)
                    : (times.get(times.size() / 2 - 1) + times.get(times.size() / 2)) / 2;
            System.out.printf(Locale.ROOT, "rollback: first bad answer → RolledBack over %d releases: median %.1f s, max %.1f s (target ≤ 15 s)%n",
                    times.size(), median, times.get(times.size() - 1));
        }
        runs.stream().map(Run::reason).distinct().forEach(reason -> System.out.println("rollback: verdict: " + reason));
        System.out.printf(Locale.ROOT, "rollback: load average before %s, after %s (2 cores)%n", loadBefore, loadAverage());
        System.exit(0);
    }

    private List<Run> run(EventLog events, Path dataDir, int repetitions) throws Exception {
        SyntheticImages.upload(dataDir, MODEL, "a", 100, 1);
        ModelPromoted first = await(events, 0, ModelPromoted.class, p -> p.getModelName().equals(MODEL));
        String stable = first.getVersion();
        awaitReady(stable);
        System.out.printf(Locale.ROOT, "rollback: %s serves; %d requests/s pinned to it from now on%n", stable, rate);
        Traffic stableTraffic = start(stable, false);
        List<Run> runs = new ArrayList<>();
        java.util.Set<String> released = new java.util.HashSet<>(java.util.Set.of(stable));
        try {
            for (int rep = 1; rep <= repetitions; rep++) {
                int from = events.size();
                SyntheticImages.upload(dataDir, MODEL, "r" + rep, 10, 100 + rep);
                // the log is searched from its start: a version not seen before is this upload's
                TrainingCompleted trained = await(events, from, TrainingCompleted.class,
                        t -> t.getModelName().equals(MODEL) && !released.contains(t.getModelVersion()));
                String canary = trained.getModelVersion();
                released.add(canary);
                await(events, from, ModelApproved.class, a -> a.getModelVersion().equals(canary));
                await(events, from, CanaryStarted.class, c -> c.getVersion().equals(canary));
                awaitReady(canary);
                Traffic canaryTraffic = start(canary, true);
                RolledBack rolledBack;
                try {
                    rolledBack = await(events, from, RolledBack.class, r -> r.getVersion().equals(canary));
                } finally {
                    canaryTraffic.stop();
                }
                CanaryDegraded degraded = events.last(CanaryDegraded.class, d -> d.getCanaryVersion().equals(canary)).orElseThrow();
                Instant firstBad = canaryTraffic.firstAnswer.get();
                double toRolledBack = seconds(firstBad, EventLog.occurredAt(rolledBack));
                long answers = canaryTraffic.answered.get();
                Run run = new Run(canary, seconds(firstBad, EventLog.occurredAt(degraded)), toRolledBack, answers,
                        answers / Math.max(0.001, seconds(firstBad, canaryTraffic.lastAnswer.get())), degraded.getReason());
                runs.add(run);
                System.out.printf(Locale.ROOT, "rollback: release %d (%s): first bad answer → RolledBack %.1f s (%d canary answers); load %s%n",
                        rep, canary, toRolledBack, answers, loadAverage());
            }
        } finally {
            stableTraffic.stop();
        }
        return runs;
    }

    /** Requests at {@link #rate} per second pinned to one version, each followed by its feedback. */
    private final class Traffic {
        final AtomicReference<Instant> firstAnswer = new AtomicReference<>();
        final AtomicReference<Instant> lastAnswer = new AtomicReference<>();
        final AtomicLong answered = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        ScheduledFuture<?> ticks;

        void stop() {
            ticks.cancel(false);
            if (failed.get() > 0) {
                System.out.println("rollback: " + failed.get() + " requests failed");
            }
        }
    }

    private Traffic start(String version, boolean contradict) {
        Traffic traffic = new Traffic();
        traffic.ticks = clock.scheduleAtFixedRate(() -> callers.execute(() -> call(version, contradict, traffic)), 0,
                1_000_000 / rate, TimeUnit.MICROSECONDS);
        return traffic;
    }

    private void call(String version, boolean contradict, Traffic traffic) {
        String label;
        long seed;
        synchronized (random) {
            label = SyntheticImages.CLASSES.get(random.nextInt(SyntheticImages.CLASSES.size()));
            seed = random.nextLong();
        }
        try {
            HttpResponse<String> response = http.send(multipart(inference + "/v2/models/" + MODEL + "/versions/" + version + "/predict",
                    SyntheticImages.png(label, new Random(seed), 0)), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                traffic.failed.incrementAndGet();
                return;
            }
            Instant now = Instant.now();
            traffic.firstAnswer.compareAndSet(null, now);
            traffic.lastAnswer.set(now);
            traffic.answered.incrementAndGet();
            JsonNode answer = json.readTree(response.body());
            String trueLabel = label;
            if (contradict) { // a class the canary did not answer: on live data it is always wrong
                int at = Math.max(0, SyntheticImages.CLASSES.indexOf(answer.path("label").asString()));
                trueLabel = SyntheticImages.CLASSES.get((at + 1) % SyntheticImages.CLASSES.size());
            }
            String body = json.writeValueAsString(Map.of("requestId", answer.path("requestId").asString(), "trueLabel", trueLabel));
            http.send(HttpRequest.newBuilder(URI.create(inference + "/v2/models/" + MODEL + "/feedback")).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException | RuntimeException e) {
            traffic.failed.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Blocks until {@code GET /v2/models/{m}/versions/{v}/ready} is 200, re-asking every 200 ms. */
    private void awaitReady(String version) throws InterruptedException {
        long deadline = System.nanoTime() + STAGE.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(inference + "/v2/models/" + MODEL + "/versions/" + version + "/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not answering yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(version + " never became ready");
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> T await(EventLog events, int from, Class<T> type, Predicate<T> match)
            throws InterruptedException {
        return events.await(type, match, from, e -> e instanceof ModelRejected m && m.getModelName().equals(MODEL)
                || e instanceof TrainingFailed f && f.getModelName().equals(MODEL) && !"SUPERSEDED".equals(String.valueOf(f.getKind())), STAGE);
    }

    private static HttpRequest multipart(String url, byte[] png) {
        String boundary = "sluice-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream(png.length + 256);
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"image.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(png);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).substring(0, 14).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
