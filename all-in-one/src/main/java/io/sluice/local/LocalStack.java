package io.sluice.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./sluice up}: starts a real Kafka broker (KRaft) with its data under the data directory,
 * creates the Sluice topics, starts every service as its own JVM, waits until each reports UP,
 * prints where everything is, and on Ctrl-C stops the services and then the broker cleanly.
 */
public final class LocalStack {

    private static final String VERSION = "0.1.0-SNAPSHOT";

    private final Options options;
    private final JavaLauncher launcher = JavaLauncher.current();
    private final List<Process> services = new ArrayList<>();
    private volatile boolean stopping;
    private Broker broker;

    LocalStack(Options options) {
        this.options = options;
    }

    /**
     * Command-line options of {@code up}.
     *
     * @param portOffset  added to every service's HTTP port (0: the ports of DESIGN §7), so a second stack can run beside one
     * @param serviceArgs per module (or {@code *} for all): extra {@code --property=value} arguments, the highest-precedence
     *                    Spring configuration (used by tests and demos for short windows and tiny epochs)
     */
    record Options(Path home, Path dataDir, int kafkaPort, List<String> only, boolean brokerOnly, Duration healthTimeout,
                   int portOffset, Map<String, List<String>> serviceArgs) {

        Options {
            serviceArgs = Map.copyOf(serviceArgs);
        }

        Options(Path home, Path dataDir, int kafkaPort, List<String> only, boolean brokerOnly, Duration healthTimeout) {
            this(home, dataDir, kafkaPort, only, brokerOnly, healthTimeout, 0, Map.of());
        }

        /** The extra arguments of one service: those for every service, then its own. */
        List<String> argsOf(String module) {
            List<String> args = new ArrayList<>(serviceArgs.getOrDefault("*", List.of()));
            args.addAll(serviceArgs.getOrDefault(module, List.of()));
            return args;
        }

        static Options parse(String[] args) {
            Path home = Path.of(".").toAbsolutePath().normalize();
            Path dataDir = Path.of(System.getenv().getOrDefault("SLUICE_DATA_DIR", System.getProperty("user.home") + "/.sluice"));
            int kafkaPort = 9092;
            List<String> only = List.of();
            boolean brokerOnly = false;
            Duration timeout = Duration.ofSeconds(300);
            int portOffset = 0;
            Map<String, List<String>> serviceArgs = new LinkedHashMap<>();
            for (int i = 1; i < args.length; i++) {
                switch (args[i]) {
                    case "--home" -> home = Path.of(args[++i]).toAbsolutePath().normalize();
                    case "--data-dir" -> dataDir = Path.of(args[++i]);
                    case "--kafka-port" -> kafkaPort = Integer.parseInt(args[++i]);
                    case "--only" -> only = List.of(args[++i].split(","));
                    case "--broker-only" -> brokerOnly = true;
                    case "--health-timeout" -> timeout = Duration.ofSeconds(Long.parseLong(args[++i]));
                    case "--port-offset" -> portOffset = Integer.parseInt(args[++i]);
                    case "--set" -> {
                        String setting = args[++i];
                        int colon = setting.indexOf(':');
                        if (colon < 1 || !setting.substring(colon + 1).contains("=")) {
                            throw new UsageException("--set takes SERVICE:property=value (SERVICE may be *), got " + setting);
                        }
                        serviceArgs.computeIfAbsent(setting.substring(0, colon), k -> new ArrayList<>())
                                .add("--" + setting.substring(colon + 1));
                    }
                    case "-h", "--help" -> throw new UsageException(null);
                    default -> throw new UsageException("unknown option " + args[i]);
                }
            }
            return new Options(home, dataDir.toAbsolutePath().normalize(), kafkaPort, only, brokerOnly, timeout, portOffset,
                    serviceArgs);
        }
    }

    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    static final String USAGE = """
            usage: ./sluice up [--data-dir DIR] [--kafka-port 9092] [--only svc1,svc2] [--broker-only] [--health-timeout SECONDS]
                               [--port-offset N] [--set SERVICE:property=value]...
                   ./sluice demo [--fault] [--help]

              Starts a Kafka broker on localhost:9092 and every Sluice service, with buckets, broker data
              and logs under the data directory (default ~/.sluice, or $SLUICE_DATA_DIR). Ctrl-C stops all.
              --port-offset adds N to every service port (a second stack beside one on 8080-8086);
              --set passes --property=value to one service (SERVICE * for all), e.g.
              --set training-service:sluice.training.defaults.max-epochs=5
            """;

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("demo")) {
            io.sluice.local.demo.Demo.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length == 0 || !args[0].equals("up")) {
            System.err.print(USAGE);
            System.exit(2);
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (UsageException | ArrayIndexOutOfBoundsException | NumberFormatException e) {
            if (e.getMessage() != null) {
                System.err.println("sluice up: " + e.getMessage());
            }
            System.err.print(USAGE);
            System.exit(e instanceof UsageException u && u.getMessage() == null ? 0 : 2);
            return;
        }
        LocalStack stack = new LocalStack(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.stop();
            stopped.countDown();
        }, "sluice-stop"));
        try {
            stack.start();
        } catch (Exception e) {
            System.err.println("sluice up: " + e.getMessage());
            System.exit(1);
        }
        stack.superviseUntilStopped();
        stopped.await(60, TimeUnit.SECONDS);
    }

    void start() throws Exception {
        long started = System.nanoTime();
        Path logs = Files.createDirectories(options.dataDir().resolve("logs"));
        Files.createDirectories(options.dataDir().resolve("buckets"));
        String token = adminToken();
        List<Service> selected = Service.ALL.stream().filter(s -> options.only().isEmpty() || options.only().contains(s.module())).toList();
        // unpacked while the broker starts: the services then start from plain jars (ServiceImage)
        Map<Service, CompletableFuture<Path>> images = new LinkedHashMap<>();
        if (!options.brokerOnly()) {
            for (Service service : selected) {
                Path jar = options.home().resolve(service.module()).resolve("target").resolve(service.module() + "-" + VERSION + "-exec.jar");
                if (!Files.exists(jar)) {
                    throw new IOException("missing " + jar + "; build with ./mvnw -B -q install -DskipTests");
                }
                images.put(service, ServiceImage.prepare(launcher.java(), jar));
            }
        }
        broker = new Broker(options.dataDir(), options.kafkaPort(), launcher);
        System.out.println("sluice: starting Kafka (KRaft) on localhost:" + options.kafkaPort() + ", data in " + broker.logDir());
        broker.start(logs.resolve("kafka.log"));
        broker.awaitReadyAndCreateTopics(Duration.ofSeconds(90));
        System.out.printf("sluice: Kafka ready with the Sluice topics (%.1f s)%n", seconds(started));
        if (options.brokerOnly()) {
            return;
        }
        for (Service service : selected) {
            Path jar = images.get(service).join();
            List<String> args = new ArrayList<>();
            if (options.portOffset() != 0) {
                args.add("--server.port=" + service.port(options.portOffset()));
                if (service.module().equals("console")) {
                    args.add("--sluice.console.deployment-url=http://localhost:" + Service.named("deployment-service").port(options.portOffset()));
                    args.add("--sluice.console.inference-url=http://localhost:" + Service.named("inference-service").port(options.portOffset()));
                }
            }
            args.addAll(options.argsOf(service.module()));
            ProcessBuilder builder = new ProcessBuilder(launcher.service(jvmOptions(service), jar, args))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(service.module() + ".log").toFile()));
            Map<String, String> env = builder.environment();
            env.put("SLUICE_DATA_DIR", options.dataDir().toString());
            env.put("SLUICE_KAFKA", broker.bootstrapServers());
            env.put("SLUICE_ADMIN_TOKEN", token);
            services.add(builder.start());
        }
        System.out.println("sluice: starting " + selected.size() + " services (logs in " + logs + ")");
        Map<Service, String> health = awaitHealthy(selected);
        printSummary(selected, health, token, started);
        if (health.values().stream().anyMatch(h -> !h.equals("UP"))) {
            throw new IOException("some services did not report UP within " + options.healthTimeout().toSeconds() + " s; see " + logs);
        }
    }

    private List<String> jvmOptions(Service service) {
        List<String> jvm = new ArrayList<>(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.sluice.events", "-Dai.djl.offline=true",
                "-Dspring.output.ansi.enabled=never"));
        // Seven JVMs start at once on as few as 2 cores: C1 only, so no C2 compiler threads compete
        // with start-up (the tensor work of training, evaluation and inference is native anyway;
        // images in deploy/ keep the default JIT). Model-holding services get more heap.
        jvm.add(List.of("training-service", "inference-service", "evaluation-service").contains(service.module()) ? "-Xmx2g" : "-Xmx384m");
        return jvm;
    }

    private Map<Service, String> awaitHealthy(List<Service> selected) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Map<Service, String> status = new LinkedHashMap<>();
        long deadline = System.nanoTime() + options.healthTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < selected.size(); i++) {
                Service service = selected.get(i);
                if ("UP".equals(status.get(service))) {
                    continue;
                }
                if (!services.get(i).isAlive()) {
                    status.put(service, "EXITED(" + services.get(i).exitValue() + ")");
                    continue;
                }
                status.put(service, probe(http, service.healthUrl(options.portOffset())));
            }
            if (status.values().stream().allMatch(s -> s.equals("UP") || s.startsWith("EXITED"))) {
                break;
            }
            Thread.sleep(1000);
        }
        return status;
    }

    private static String probe(HttpClient http, String healthUrl) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(healthUrl))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            return response.body().contains("\"status\":\"UP\"") ? "UP" : "HTTP " + response.statusCode();
        } catch (IOException e) {
            return "STARTING";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "STARTING";
        }
    }

    private void printSummary(List<Service> selected, Map<Service, String> health, String token, long started) {
        StringBuilder out = new StringBuilder("\n  Sluice local stack\n");
        out.append(String.format("  %-20s %-7s %s%n", "kafka", "UP", broker.bootstrapServers()));
        for (Service service : selected) {
            out.append(String.format("  %-20s %-7s http://localhost:%d%n", service.module(), health.get(service),
                    service.port(options.portOffset())));
        }
        out.append("\n  console      http://localhost:").append(Service.named("console").port(options.portOffset())).append("\n");
        out.append("  admin token  ").append(token).append("   (also in ").append(options.dataDir().resolve("admin-token")).append(")\n");
        out.append("  raw bucket   ").append(options.dataDir().resolve("buckets/sluice-local-raw-data")).append("\n");
        out.append("  watch        ./sluice events --follow\n");
        out.append(String.format("%n  ready in %.1f s — Ctrl-C stops everything%n", seconds(started)));
        System.out.println(out);
    }

    private String adminToken() throws IOException {
        Path file = options.dataDir().resolve("admin-token");
        if (Files.exists(file)) {
            return Files.readString(file).strip();
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        Files.writeString(file, token + "\n");
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        return token;
    }

    /** Blocks until Ctrl-C; reports services that die meanwhile. */
    void superviseUntilStopped() throws InterruptedException {
        List<Boolean> reported = new ArrayList<>(services.stream().map(p -> false).toList());
        while (true) {
            for (int i = 0; i < services.size() && !stopping; i++) {
                if (!services.get(i).isAlive() && !reported.get(i)) {
                    reported.set(i, true);
                    System.err.println("sluice: a service exited with " + services.get(i).exitValue() + "; see the logs in "
                            + options.dataDir().resolve("logs"));
                }
            }
            Thread.sleep(2000);
        }
    }

    /** Stops the services (SIGTERM, graceful), then the broker. */
    void stop() {
        stopping = true;
        System.out.println("\nsluice: stopping services…");
        services.forEach(Process::destroy);
        for (Process process : services) {
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
            }
        }
        if (broker != null) {
            System.out.println("sluice: stopping Kafka…");
            try {
                broker.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        System.out.println("sluice: stopped");
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
