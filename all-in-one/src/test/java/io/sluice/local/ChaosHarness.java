package io.sluice.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import org.apache.avro.specific.SpecificRecord;

import io.sluice.events.CanaryStarted;
import io.sluice.events.DatasetReady;
import io.sluice.events.ModelApproved;
import io.sluice.events.ModelPromoted;
import io.sluice.events.ModelRejected;
import io.sluice.events.RolledBack;
import io.sluice.events.TrainingCompleted;
import io.sluice.local.demo.SyntheticImages;
import io.sluice.local.demo.TrafficDriver;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.local.LocalStackFile;
import io.sluice.platform.local.LocalStackLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Chaos harness (a benchmark, not a test): on a {@code --brokers 3 --replicas 2} stack it drives
 * dataset versions through ingest, training, evaluation, release and (for the last of three or more)
 * a rollback, while it kills -9 a random service replica every 20–40 s and one broker once. It then
 * prints, per dataset version, how often each outcome happened (each should be exactly once), the
 * routing table every inference replica serves, and how long each killed process took to be UP again.
 * It starts its own stack (fast pipeline settings, a temporary data dir) unless {@code --attach}
 * names the running one (found as the CLI finds it).
 */
public final class ChaosHarness {

    private static final Duration STAGE_TIMEOUT = Duration.ofMinutes(10);

    /** One kill and when the process was UP again (NaN while it is not). */
    record Kill(double atSeconds, String name, long pid, double recoverySeconds) {}

    private final LocalStackFile stack;
    private final Random random;
    private final long t0 = System.nanoTime();
    private final List<Kill> kills = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    private ChaosHarness(LocalStackFile stack, long seed) {
        this.stack = stack;
        this.random = new Random(seed);
    }

    public static void main(String[] args) throws Exception {
        int versions = 3;
        int brokers = 3;
        int replicas = 2;
        boolean attach = false;
        long seed = 42;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--versions" -> versions = Integer.parseInt(args[++i]);
                case "--brokers" -> brokers = Integer.parseInt(args[++i]);
                case "--replicas" -> replicas = Integer.parseInt(args[++i]);
                case "--small" -> { // a smoke run on a small machine: one broker, one replica each, one version
                    versions = 1;
                    brokers = 1;
                    replicas = 1;
                }
                case "--attach" -> attach = true;
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException(
                        "usage: ChaosHarness [--versions N] [--brokers B] [--replicas R] [--small] [--attach] [--seed S]");
            }
        }
        LocalStack own = null;
        LocalStackFile file;
        if (attach) {
            file = LocalStackLocation.resolve(System.getenv(), Path.of(System.getProperty("user.home"))).require();
        } else {
            Path dataDir = Files.createTempDirectory("sluice-chaos");
            int kafkaPort = LocalStackIntegrationTests.freePorts(6);
            int offset = LocalStackIntegrationTests.freePorts(1) - 8080;
            own = new LocalStack(new UpOptions(LocalStackIntegrationTests.HOME, dataDir, kafkaPort, List.of(), false, Duration.ofMinutes(15),
                    offset, EndToEndTests.fastSettings(), brokers, replicas), dataDir);
            own.start();
            file = LocalStackFile.read(dataDir).orElseThrow();
        }
        System.out.printf(Locale.ROOT, "chaos: stack at %s, Kafka %s, %d processes; load average %s%n", file.dataDir(), file.kafka(),
                file.processes().size(), loadAverage());
        try {
            new ChaosHarness(file, seed).run(versions);
        } finally {
            if (own != null) {
                own.stop();
            }
        }
        System.exit(0);
    }

    private void run(int versions) throws Exception {
        String model = "chaos" + System.currentTimeMillis() % 1_000_000;
        List<String> inference = urlsOf("inference-service");
        try (EventLog events = new EventLog(stack.kafka(), SluiceTopics.eventTopics())) {
            events.awaitReading(Duration.ofMinutes(1));
            Thread chaos = new Thread(this::killPeriodically, "chaos-kills");
            chaos.setDaemon(true);
            chaos.start();
            List<TrafficDriver> drivers = new ArrayList<>();
            for (String url : inference) {
                TrafficDriver driver = new TrafficDriver(url, model, random.nextLong());
                drivers.add(driver);
                Thread traffic = new Thread(() -> {
                    while (running) {
                        driver.call(); // answers nothing until the model is served; a dead replica's calls just fail
                    }
                }, "chaos-traffic");
                traffic.setDaemon(true);
                traffic.start();
            }
            List<String> datasetVersions = new ArrayList<>();
            for (int v = 1; v <= versions; v++) {
                boolean faulty = versions >= 3 && v == versions;
                drivers.forEach(d -> d.faultyCanary(faulty));
                int from = events.size();
                SyntheticImages.upload(stack.dataDir(), model, "v" + v, v == 1 ? 100 : 10, v);
                System.out.printf(Locale.ROOT, "chaos: +%.0f s uploaded version %d%s%n", now(), v, faulty ? " (its canary will be contradicted)" : "");
                DatasetReady ready = await(events, from, DatasetReady.class,
                        d -> d.getDatasetName().equals(model) && !datasetVersions.contains(d.getDatasetVersion()));
                if (ready == null) {
                    continue;
                }
                datasetVersions.add(ready.getDatasetVersion());
                TrainingCompleted trained = await(events, from, TrainingCompleted.class,
                        t -> t.getModelName().equals(model) && t.getDatasetVersion().equals(ready.getDatasetVersion()));
                if (trained == null) {
                    continue;
                }
                String version = trained.getModelVersion();
                await(events, from, SpecificRecord.class, e -> e instanceof ModelPromoted p && p.getVersion().equals(version)
                        || e instanceof RolledBack r && r.getVersion().equals(version)
                        || e instanceof ModelRejected r && r.getModelVersion().equals(version));
            }
            running = false;
            Thread.sleep(10_000); // late duplicates, if any, arrive
            report(model, datasetVersions, events.snapshot(), inference);
        }
    }

    /** The first matching event after position {@code from}, or null after the stage timeout (reported). */
    private <T extends SpecificRecord> T await(EventLog events, int from, Class<T> type, Predicate<T> match) throws InterruptedException {
        try {
            T event = events.await(type, match, Integer.MAX_VALUE, e -> false, STAGE_TIMEOUT);
            System.out.printf(Locale.ROOT, "chaos: +%.0f s %s%n", now(), event.getClass().getSimpleName());
            return event;
        } catch (AssertionError timedOut) {
            System.out.printf(Locale.ROOT, "chaos: +%.0f s TIMED OUT waiting for %s (%d min)%n", now(), type.getSimpleName(), STAGE_TIMEOUT.toMinutes());
            return null;
        }
    }

    /** Every 20-40 s a random service replica, once a broker (after the second kill), with kill -9; then waits until it is UP again. */
    private void killPeriodically() {
        boolean brokerKilled = false;
        try {
            while (running) {
                Thread.sleep(20_000 + random.nextInt(20_001));
                if (!running) {
                    return;
                }
                LocalStackFile now = LocalStackFile.read(stack.dataDir()).orElse(stack);
                boolean broker = !brokerKilled && kills.size() >= 2;
                List<LocalStackFile.Process> candidates = now.processes().stream()
                        .filter(p -> p.pid() > 0 && p.state().equals("UP") && p.module().equals("kafka") == broker).toList();
                if (candidates.isEmpty()) {
                    continue;
                }
                LocalStackFile.Process victim = candidates.get(random.nextInt(candidates.size()));
                double at = now();
                ProcessHandle.of(victim.pid()).ifPresent(ProcessHandle::destroyForcibly);
                brokerKilled |= broker;
                System.out.printf(Locale.ROOT, "chaos: +%.0f s kill -9 %s (pid %d)%n", at, victim.name(), victim.pid());
                int index = kills.size();
                kills.add(new Kill(at, victim.name(), victim.pid(), Double.NaN));
                long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                while (System.nanoTime() < deadline) {
                    Thread.sleep(500);
                    boolean up = LocalStackFile.read(stack.dataDir()).stream().flatMap(f -> f.processes().stream())
                            .anyMatch(p -> p.name().equals(victim.name()) && p.pid() != victim.pid() && p.state().equals("UP"));
                    if (up) {
                        kills.set(index, new Kill(at, victim.name(), victim.pid(), now() - at));
                        break;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void report(String model, List<String> datasetVersions, List<EventLog.Entry> all, List<String> inference) {
        System.out.printf(Locale.ROOT, "%nchaos: model %s, %d version(s) uploaded, %.0f s; load average %s%n", model, datasetVersions.size(),
                now(), loadAverage());
        System.out.println("chaos: dataset version          DatasetReady TrainingCompleted decision CanaryStarted ModelPromoted RolledBack terminal");
        int anomalies = 0;
        for (String dataset : datasetVersions) {
            long ready = count(all, e -> e instanceof DatasetReady d && d.getDatasetName().equals(model) && d.getDatasetVersion().equals(dataset));
            List<String> versions = all.stream().map(EventLog.Entry::event).filter(e -> e instanceof TrainingCompleted t
                    && t.getModelName().equals(model) && t.getDatasetVersion().equals(dataset)).map(e -> ((TrainingCompleted) e).getModelVersion())
                    .distinct().toList();
            long trained = count(all, e -> e instanceof TrainingCompleted t && t.getModelName().equals(model) && t.getDatasetVersion().equals(dataset));
            long decided = count(all, e -> e instanceof ModelApproved a && versions.contains(a.getModelVersion())
                    || e instanceof ModelRejected r && versions.contains(r.getModelVersion()));
            long canaries = count(all, e -> e instanceof CanaryStarted c && c.getModelName().equals(model) && versions.contains(c.getVersion()));
            long promoted = count(all, e -> e instanceof ModelPromoted p && p.getModelName().equals(model) && versions.contains(p.getVersion()));
            long rolledBack = count(all, e -> e instanceof RolledBack r && r.getModelName().equals(model) && versions.contains(r.getVersion()));
            long rejected = count(all, e -> e instanceof ModelRejected r && versions.contains(r.getModelVersion()));
            long terminal = promoted + rolledBack + rejected;
            System.out.printf(Locale.ROOT, "chaos: %-28s %12d %17d %8d %13d %13d %10d %8d%n", dataset, ready, trained, decided, canaries,
                    promoted, rolledBack, terminal);
            anomalies += (ready == 1 ? 0 : 1) + (trained == 1 ? 0 : 1) + (decided == 1 ? 0 : 1) + (terminal == 1 ? 0 : 1) + (promoted <= 1 ? 0 : 1);
        }
        System.out.println("chaos: counts other than exactly one (none promoted twice): " + anomalies);
        Map<String, String> tables = new TreeMap<>();
        for (String url : inference) {
            tables.put(url, routingTable(url, model));
        }
        tables.forEach((url, table) -> System.out.println("chaos: routing at " + url + ": " + table));
        System.out.println("chaos: routing tables identical on every inference replica: " + (tables.values().stream().distinct().count() == 1));
        System.out.println("chaos: kills (seconds after start → UP again after):");
        for (Kill kill : kills) {
            System.out.printf(Locale.ROOT, "chaos:   +%5.0f s  %-22s pid %-7d %s%n", kill.atSeconds(), kill.name(), kill.pid(),
                    Double.isNaN(kill.recoverySeconds()) ? "NOT UP AGAIN" : String.format(Locale.ROOT, "%.1f s", kill.recoverySeconds()));
        }
    }

    private static long count(List<EventLog.Entry> all, Predicate<SpecificRecord> match) {
        return all.stream().map(EventLog.Entry::event).filter(match).count();
    }

    private List<String> urlsOf(String module) {
        return stack.processes().stream().filter(p -> p.module().equals(module)).map(p -> "http://localhost:" + p.port()).toList();
    }

    /** What one inference replica serves for the model: version, role and weight of each loaded route. */
    private static String routingTable(String url, String model) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/v2/models/" + model))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return "HTTP " + response.statusCode();
            }
            List<String> routes = new ArrayList<>();
            for (JsonNode route : JsonMapper.builder().build().readTree(response.body()).path("parameters").path("loaded")) {
                routes.add(route.path("version").asString() + " " + route.path("role").asString() + " " + route.path("weight").asInt() + "%");
            }
            return routes.stream().sorted().toList().toString();
        } catch (IOException | RuntimeException e) {
            return "unreachable (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private double now() {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).substring(0, 14).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
