package io.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.events.CanaryDegraded;
import io.sluice.events.CanaryHealthy;
import io.sluice.events.CanaryStarted;
import io.sluice.events.DatasetReady;
import io.sluice.events.DatasetRejected;
import io.sluice.events.DeploymentState;
import io.sluice.events.DriftDetected;
import io.sluice.events.ModelApproved;
import io.sluice.events.ModelPromoted;
import io.sluice.events.ModelRejected;
import io.sluice.events.RetrainingRequested;
import io.sluice.events.RolledBack;
import io.sluice.events.Route;
import io.sluice.events.RouteRole;
import io.sluice.events.TrainingCompleted;
import io.sluice.events.TrainingFailed;
import io.sluice.events.TrainingStarted;
import io.sluice.events.codec.EventCodec;
import io.sluice.events.codec.WireFormat;
import io.sluice.events.codec.WireSettings;
import io.sluice.local.demo.SyntheticImages;
import io.sluice.local.demo.TrafficDriver;
import io.sluice.platform.events.SluiceTopics;

/**
 * The whole loop in the real local stack — a KRaft broker and every service as its own JVM from its
 * executable jar — driven from outside through public interfaces only: files in the raw bucket
 * (as {@code ./sluice upload} writes them), the inference HTTP API, and the Sluice topics read by a
 * plain consumer. Upload → first model served; a second version → canary steps → promoted; a
 * faulty third version → degraded → rolled back to the second; drifted traffic → retraining.
 * On the way it replays issue 12's forced decisions through the same public HTTP API ({@link ForcedDecisions})
 * and checks that none of them decides anything: a caller's 125 oversized requests on the canary in
 * flight, one request of 1e20 (and one of 3e38) inputs, a burst of big images in the production
 * watch; and that each step is judged on its own traffic after its minimum duration, while the
 * real degradation is still rolled back. Prints the time of each stage. Settings for speed (few epochs, short windows, small samples) are
 * passed to the services as command-line properties.
 */
class EndToEndTests {

    static final String VERSION = "0.1.0-SNAPSHOT";
    /** Where the service jars are: the repository root (the reactor builds them before all-in-one's tests). */
    static final Path HOME = Path.of(System.getProperty("sluice.e2e.home", "..")).toAbsolutePath().normalize();
    /**
     * While iterating on this test: {@code -Dsluice.e2e.attach=KAFKA_PORT,PORT_OFFSET,DATA_DIR} drives a stack
     * already started with {@link #fastSettings()} (see the README) instead of starting one, under a fresh model name.
     */
    private static final String ATTACH = System.getProperty("sluice.e2e.attach");
    /**
     * {@code -Dsluice.e2e.wire-format=confluent} runs the stack in registry mode ({@code ./sluice up --registry}: a real
     * registry beside the broker, every service writing Confluent framing) and checks that every record read was registry-framed.
     */
    private static final boolean REGISTRY_MODE = "confluent".equals(System.getProperty("sluice.e2e.wire-format", "single-object"));
    private static final String MODEL = ATTACH == null ? "shapes" : "shapes" + System.currentTimeMillis() % 1_000_000;
    /** monitoring's {@code canary.min-step-duration} in {@link #fastSettings()}: no step is called healthy sooner. */
    static final Duration MIN_STEP_DURATION = Duration.ofSeconds(10);

    @TempDir
    Path dataDir;

    private LocalStack stack;
    private EventLog events;
    private Thread traffic;
    private volatile boolean driving = true;
    private final Map<String, Instant> stages = new LinkedHashMap<>();
    private Instant t0;
    private int phaseStart;

    @Test
    void drivesTheLoopFromUploadThroughCanaryRollbackAndDriftToRetraining() throws Exception {
        int kafkaPort;
        int offset;
        if (ATTACH == null) {
            for (Service service : Service.ALL) {
                Path jar = HOME.resolve(service.module()).resolve("target").resolve(service.module() + "-" + VERSION + "-exec.jar");
                Assumptions.assumeTrue(Files.exists(jar), () -> "skipped: " + jar
                        + " is missing; build the services first (./mvnw -B verify packages them before all-in-one)");
            }
            kafkaPort = freePortPair();
            offset = freeOffset();
            UpOptions options = new UpOptions(HOME, dataDir, kafkaPort, List.of(), false, Duration.ofSeconds(600),
                    offset, fastSettings(), 1, 1, REGISTRY_MODE);
            stack = new LocalStack(options, dataDir); // its ~/.sluice/current goes there, not into the real home
            Instant booting = Instant.now();
            stack.start();
            System.out.printf(Locale.ROOT, "e2e: stack UP in %.1f s (ports %d-%d, Kafka %d, data %s)%n", seconds(booting, Instant.now()),
                    8080 + offset, 8086 + offset, kafkaPort, dataDir);
        } else {
            String[] parts = ATTACH.split(",");
            kafkaPort = Integer.parseInt(parts[0]);
            offset = Integer.parseInt(parts[1]);
            dataDir = Path.of(parts[2]);
        }
        EventCodec codec = REGISTRY_MODE ? EventCodec.of(new WireSettings(WireFormat.SINGLE_OBJECT,
                Optional.of(URI.create(new SchemaRegistryServer(null, null, SchemaRegistryServer.PORT + offset, null).api()))))
                : EventCodec.singleObject();
        events = new EventLog("localhost:" + kafkaPort, SluiceTopics.eventTopics(), codec);
        events.awaitReading(Duration.ofMinutes(1));
        TrafficDriver driver = new TrafficDriver("http://localhost:" + (8082 + offset), MODEL, 42);
        ForcedDecisions forced = new ForcedDecisions("http://localhost:" + (8082 + offset), "http://localhost:" + (8086 + offset),
                dataDir, MODEL, events);

        // 1. upload → DatasetReady → TrainingCompleted → ModelApproved → first model released at once
        t0 = Instant.now();
        SyntheticImages.upload(dataDir, MODEL, "a", 100, 1);
        DatasetReady first = stage("DatasetReady v1", DatasetReady.class, d -> d.getDatasetName().equals(MODEL), Duration.ofMinutes(2));
        TrainingCompleted trained1 = stage("TrainingCompleted v1", TrainingCompleted.class, t -> t.getModelName().equals(MODEL), Duration.ofMinutes(3));
        String v1 = trained1.getModelVersion();
        ModelApproved approved1 = stage("ModelApproved v1", ModelApproved.class, a -> a.getModelVersion().equals(v1), Duration.ofMinutes(2));
        ModelPromoted promoted1 = stage("ModelPromoted v1 (immediate)", ModelPromoted.class, p -> p.getVersion().equals(v1), Duration.ofMinutes(1));
        awaitServed(driver);
        mark("v1 served by inference", Instant.now());
        report(first, trained1, approved1, promoted1, stages.get("v1 served by inference"));
        traffic = startTraffic(driver);

        phaseStart = events.size();
        // 2. a second version → canary → healthy steps → promoted
        SyntheticImages.upload(dataDir, MODEL, "b", 10, 2);
        stage("DatasetReady v2", DatasetReady.class, d -> d.getDatasetName().equals(MODEL)
                && !d.getDatasetVersion().equals(first.getDatasetVersion()), Duration.ofMinutes(2));
        TrainingCompleted trained2 = stage("TrainingCompleted v2", TrainingCompleted.class,
                t -> t.getModelName().equals(MODEL) && !t.getModelVersion().equals(v1), Duration.ofMinutes(3));
        String v2 = trained2.getModelVersion();
        stage("ModelApproved v2", ModelApproved.class, a -> a.getModelVersion().equals(v2), Duration.ofMinutes(2));
        stage("CanaryStarted v2", CanaryStarted.class, c -> c.getVersion().equals(v2), Duration.ofMinutes(1));
        // (a) a caller's oversized requests on the canary in flight: 413 each, the caller's fault, never the canary's
        forced.awaitVersionReady(v2);
        forced.oversizedOnCanary(v2);
        mark("125 oversized on canary v2: 413", Instant.now());
        // a CanaryDegraded or RolledBack of the model before the promotion fails these stages at once
        stage("CanaryHealthy v2 step 0", CanaryHealthy.class, h -> h.getCanaryVersion().equals(v2) && h.getStepIndex() == 0, Duration.ofMinutes(3));
        stage("CanaryHealthy v2 step 1", CanaryHealthy.class, h -> h.getCanaryVersion().equals(v2) && h.getStepIndex() == 1, Duration.ofMinutes(3));
        stage("ModelPromoted v2", ModelPromoted.class, p -> p.getVersion().equals(v2), Duration.ofMinutes(1));
        forced.assertOversizedLeftOut(v2);
        // (d) each step judged on its own routing revision, not before its minimum duration
        forced.assertStepsJudgedOnOwnTraffic(v2, 2, MIN_STEP_DURATION);
        // (b) one request of 1e20 inputs and one of 3e38: 400 each, never in the statistics
        int quietFrom = events.size();
        forced.outOfRangeInputs();
        mark("1e20 and 3e38 inputs: 400", Instant.now());
        // (c) a burst of big valid images within v2's production watch: the production check stays healthy
        Instant burstAnswered = forced.bigInputBurst();
        mark("30 big images answered", burstAnswered);
        forced.awaitProductionCheckHealthy(v2, burstAnswered);
        mark("production check v2 HEALTHY", Instant.now());
        System.out.println("e2e: traffic so far: " + driver.summary());

        // 3. a faulty version: its answers are contradicted by the live labels → degraded → rolled back to v2
        phaseStart = events.size();
        driver.faultyCanary(true);
        SyntheticImages.upload(dataDir, MODEL, "c", 10, 3);
        TrainingCompleted trained3 = stage("TrainingCompleted v3", TrainingCompleted.class,
                t -> t.getModelName().equals(MODEL) && !t.getModelVersion().equals(v1) && !t.getModelVersion().equals(v2), Duration.ofMinutes(3));
        String v3 = trained3.getModelVersion();
        stage("ModelApproved v3", ModelApproved.class, a -> a.getModelVersion().equals(v3), Duration.ofMinutes(2));
        stage("CanaryStarted v3", CanaryStarted.class, c -> c.getVersion().equals(v3), Duration.ofMinutes(1));
        CanaryDegraded degraded = stage("CanaryDegraded v3", CanaryDegraded.class, d -> d.getCanaryVersion().equals(v3), Duration.ofMinutes(3));
        assertThat(degraded.getReason()).contains("accuracy");
        RolledBack rolledBack = stage("RolledBack v3", RolledBack.class, r -> r.getVersion().equals(v3), Duration.ofMinutes(1));
        assertThat(rolledBack.getRestoredVersion()).isEqualTo(v2);
        Instant rolledBackAt = EventLog.occurredAt(rolledBack);
        // (b), (c) up to this later decision: no drift or retraining from the refused inputs, no production rollback of v2
        forced.assertNoneBetween(quietFrom, events.size(), e -> e instanceof DriftDetected d && d.getModelName().equals(MODEL)
                || e instanceof RetrainingRequested r && r.getModelName().equals(MODEL), "drift or retraining before the drifted traffic");
        forced.assertNoneBetween(quietFrom, events.size(), e -> e instanceof CanaryDegraded d && d.getModelName().equals(MODEL)
                && d.getCanaryVersion().equals(v2) || e instanceof RolledBack r && r.getModelName().equals(MODEL) && r.getVersion().equals(v2),
                "production v2 judged worse or rolled back");
        DeploymentState table = events.await(DeploymentState.class, s -> s.getModelName().equals(MODEL)
                && !EventLog.occurredAt(s).isBefore(rolledBackAt), 0, e -> false, Duration.ofSeconds(30));
        assertThat(table.getRoutes()).filteredOn(r -> r.getWeight() > 0).extracting(Route::getVersion, Route::getRole, Route::getWeight)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(v2, RouteRole.STABLE, 100));
        driver.faultyCanary(false);
        System.out.println("e2e: traffic so far: " + driver.summary());
        System.out.println("e2e: verdict on v3: " + degraded.getReason());

        // 4. drift in the traffic → RetrainingRequested → a new training run
        phaseStart = events.size();
        Instant drifting = Instant.now();
        driver.brightness(90);
        RetrainingRequested retraining = stage("RetrainingRequested", RetrainingRequested.class,
                r -> r.getModelName().equals(MODEL) && !EventLog.occurredAt(r).isBefore(drifting), Duration.ofMinutes(2));
        assertThat(retraining.getCurrentVersion()).isEqualTo(v2);
        stage("TrainingStarted (retraining)", TrainingStarted.class,
                t -> t.getModelName().equals(MODEL) && EventLog.occurredAt(t).isAfter(EventLog.occurredAt(retraining)), Duration.ofMinutes(1));
        System.out.println("e2e: traffic: " + driver.summary());
        System.out.println("e2e: records read by wire format: " + events.formats());
        if (REGISTRY_MODE && ATTACH == null) { // a fresh stack in registry mode: every producer wrote Confluent framing
            assertThat(events.formats()).containsOnlyKeys(WireFormat.CONFLUENT);
        }
        printStages();
    }

    /** Waits for an event; any sign the loop went wrong for this model fails the stage at once, with the event. */
    private <T extends SpecificRecord> T stage(String name, Class<T> type, Predicate<T> match, Duration timeout) throws InterruptedException {
        Predicate<SpecificRecord> failure = e -> e instanceof DatasetRejected r && r.getDatasetName().equals(MODEL)
                || e instanceof TrainingFailed f && f.getModelName().equals(MODEL) && !"SUPERSEDED".equals(String.valueOf(f.getKind()))
                || e instanceof ModelRejected m && m.getModelName().equals(MODEL)
                || !(type == RolledBack.class || type == CanaryDegraded.class) && e instanceof RolledBack r && r.getModelName().equals(MODEL)
                || !(type == RolledBack.class || type == CanaryDegraded.class) && e instanceof CanaryDegraded d && d.getModelName().equals(MODEL);
        T event = events.await(type, match, phaseStart, failure, timeout);
        mark(name, EventLog.occurredAt(event));
        return event;
    }

    /** A stage reached at {@code at} (an event's own time, or when the test saw it happen). */
    private void mark(String name, Instant at) {
        stages.put(name, at);
        System.out.printf(Locale.ROOT, "e2e: %-32s +%6.1f s%n", name, seconds(t0, at));
    }

    /**
     * The first model's path from upload to release, hop by hop from the events' own times: what is
     * compute (TrainingCompleted.durationMillis; evaluation's "approved in N ms" from its log, the only
     * place it is published) and what is the pipeline's own overhead (everything else).
     */
    private void report(DatasetReady ready, TrainingCompleted trained, ModelApproved approved, ModelPromoted promoted,
                        Instant served) {
        TrainingStarted started = events.last(TrainingStarted.class, t -> t.getRunId().equals(trained.getRunId())).orElseThrow();
        double total = seconds(t0, served);
        double training = trained.getDurationMillis() / 1000.0;
        double evaluation = evaluationMillis(trained.getModelVersion()) / 1000.0;
        System.out.printf(Locale.ROOT, """
                        e2e: first model, upload → served %.1f s:
                        e2e:   upload → DatasetReady (notification, hashing, validation)      %6.1f s
                        e2e:   DatasetReady → TrainingStarted                                 %6.1f s
                        e2e:   TrainingStarted → TrainingCompleted                            %6.1f s (compute %.1f s)
                        e2e:   TrainingCompleted → ModelApproved                              %6.1f s (compute %.1f s)
                        e2e:   ModelApproved → ModelPromoted                                  %6.1f s
                        e2e:   ModelPromoted → inference ready (load, checksums)              %6.1f s
                        e2e:   overhead (total − training − evaluation compute)               %6.1f s%n""",
                total, seconds(t0, EventLog.occurredAt(ready)), seconds(EventLog.occurredAt(ready), EventLog.occurredAt(started)),
                seconds(EventLog.occurredAt(started), EventLog.occurredAt(trained)), training,
                seconds(EventLog.occurredAt(trained), EventLog.occurredAt(approved)), evaluation,
                seconds(EventLog.occurredAt(approved), EventLog.occurredAt(promoted)), seconds(EventLog.occurredAt(promoted), served),
                total - training - evaluation);
    }

    /** Evaluation compute of one version as evaluation-service logs it ("<model>/<version> approved in N ms"); 0 when not found. */
    private long evaluationMillis(String version) {
        java.util.regex.Pattern line = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(MODEL + "/" + version) + " (?:approved|rejected) in (\\d+) ms");
        try (java.util.stream.Stream<String> lines = Files.lines(dataDir.resolve("logs").resolve("evaluation-service.log"))) {
            return lines.map(line::matcher).filter(java.util.regex.Matcher::find).mapToLong(m -> Long.parseLong(m.group(1))).findFirst().orElse(0);
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    private void printStages() {
        System.out.println("e2e: stage times (seconds after the first upload)");
        stages.forEach((name, at) -> System.out.printf(Locale.ROOT, "e2e:   %-32s %7.1f%n", name, seconds(t0, at)));
    }

    private void awaitServed(TrafficDriver driver) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!driver.ready()) {
            assertThat(System.nanoTime()).as("inference serves " + MODEL + " within a minute of its release").isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    /** Simulated users from here on: predictions with feedback, as fast as one caller gets answers. */
    private Thread startTraffic(TrafficDriver driver) {
        Thread thread = new Thread(() -> {
            while (driving) {
                driver.call();
            }
        }, "e2e-traffic");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Settings that make the loop fast enough for a test; the normal stack keeps its defaults. */
    static Map<String, List<String>> fastSettings() {
        Map<String, List<String>> args = new LinkedHashMap<>();
        args.put("training-service", List.of("--sluice.training.defaults.max-epochs=8", "--sluice.training.defaults.patience=2",
                "--sluice.training.defaults.learning-rate=0.005"));
        args.put("deployment-service", List.of("--sluice.deployment.steps=50,100", "--sluice.deployment.min-samples=20",
                "--sluice.deployment.step-deadline=5m", "--sluice.deployment.deadline-check-interval=1s"));
        args.put("monitoring-service", List.of("--sluice.monitoring.min-samples=30", "--sluice.monitoring.window=2s",
                "--sluice.monitoring.grace=2s", "--sluice.monitoring.inconclusive-every=15s",
                "--sluice.monitoring.canary.alpha=0.01", "--sluice.monitoring.canary.beta=0.2",
                "--sluice.monitoring.canary.min-labels=20", "--sluice.monitoring.canary.latency-tail-tolerance=3",
                "--sluice.monitoring.canary.error-rate-tolerance=0.05", "--sluice.monitoring.canary.error-rate-degradation=0.25",
                "--sluice.monitoring.canary.latency-tail-degradation=10",
                "--sluice.monitoring.drift.interval=3s", "--sluice.monitoring.drift.range=20s",
                "--sluice.monitoring.drift.min-samples=40", "--sluice.monitoring.drift.min-labels=20",
                "--sluice.monitoring.drift.retrain-cooldown=1m", "--sluice.monitoring.drift.min-span=5s",
                "--sluice.monitoring.canary.min-step-duration=" + MIN_STEP_DURATION.toSeconds() + "s"));
        return args;
    }

    @AfterEach
    void stop() throws InterruptedException {
        driving = false;
        if (traffic != null) {
            traffic.join(10_000);
        }
        if (events != null) {
            events.close();
        }
        if (stack != null) {
            stack.stop();
            for (Service service : Service.ALL) {
                Path log = dataDir.resolve("logs").resolve(service.module() + ".log");
                if (Files.exists(log)) {
                    try {
                        List<String> lines = Files.readAllLines(log);
                        List<String> problems = new ArrayList<>(lines.stream().filter(l -> l.contains(" ERROR ") || l.contains(" WARN ")).toList());
                        System.out.println("e2e: " + service.module() + " log: " + lines.size() + " lines, " + problems.size() + " WARN/ERROR"
                                + (problems.isEmpty() ? "" : "; last: " + problems.get(problems.size() - 1)));
                    } catch (IOException e) {
                        System.out.println("e2e: cannot read " + log + ": " + e);
                    }
                }
            }
        }
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }

    static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            if (port < 65535 && free(port + 1)) {
                return port;
            }
        }
        throw new IOException("no two adjacent free ports");
    }

    /** An offset that moves 8080-8087 (the registry's) onto free ports, so a developer's running stack is left alone. */
    static int freeOffset() throws IOException {
        for (int offset = 11000; offset < 50000; offset += 100) {
            int o = offset;
            if (Service.ALL.stream().allMatch(s -> free(s.port(o))) && free(SchemaRegistryServer.PORT + o)) {
                return offset;
            }
        }
        throw new IOException("no free port range for the services");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
