package io.sluice.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.sluice.platform.local.LocalStackFile;

/**
 * {@code ./sluice up}: starts a real Kafka (one KRaft broker, or a cluster of several) with its data
 * under the data directory, creates the Sluice topics, starts every service (one or more replicas
 * each) as its own JVM, waits until each reports UP, prints where everything is, keeps every process
 * running ({@link Supervisor}: a process that dies is reported and restarted with backoff), keeps
 * {@code <data-dir>/stack.json} current for the CLI, and on Ctrl-C stops the services and then Kafka.
 */
public final class LocalStack {

    private static final String VERSION = "0.1.0-SNAPSHOT";

    private final UpOptions options;
    private final JavaLauncher launcher = JavaLauncher.current();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final List<Supervisor.Child> brokers = new ArrayList<>();
    private final List<Supervisor.Child> services = new ArrayList<>();
    private final List<Supervisor.Child> registries = new ArrayList<>();
    private volatile boolean stopping;
    private Supervisor supervisor;
    private KafkaCluster cluster;
    private String bootstrapServers;
    /** The stack that already runs Kafka for this data dir or port, when this one only adds services to it. */
    private String attachedTo;
    /** The registry this stack started ({@code --registry}), null otherwise. */
    private SchemaRegistryServer registry;
    /** The registry's Confluent-compatible API the services use: this stack's, or the running stack's when attached; null for none. */
    private String registryUrl;

    private final StackFiles files;

    LocalStack(UpOptions options) {
        this(options, Path.of(System.getProperty("user.home")));
    }

    /** A stack whose {@code ~/.sluice/current} goes under {@code userHome} (tests give their own). */
    LocalStack(UpOptions options, Path userHome) {
        this.options = options;
        this.files = new StackFiles(options.dataDir(), userHome);
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("demo")) {
            io.sluice.local.demo.Demo.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length == 0 || !args[0].equals("up")) {
            System.err.print(UpOptions.USAGE);
            System.exit(2);
        }
        UpOptions options;
        try {
            options = UpOptions.parse(args);
        } catch (UpOptions.UsageException | ArrayIndexOutOfBoundsException | NumberFormatException e) {
            if (e.getMessage() != null) {
                System.err.println("sluice up: " + e.getMessage());
            }
            System.err.print(UpOptions.USAGE);
            System.exit(e instanceof UpOptions.UsageException u && u.getMessage() == null ? 0 : 2);
            return;
        }
        LocalStack stack = new LocalStack(options);
        CountDownLatch hookDone = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.stop();
            hookDone.countDown();
        }, "sluice-stop"));
        try {
            stack.start();
        } catch (Exception e) {
            System.err.println("sluice up: " + e.getMessage());
            System.exit(1);
        }
        stack.stopped.await();
        hookDone.await(60, TimeUnit.SECONDS);
    }

    void start() throws Exception {
        long started = System.nanoTime();
        Path logs = Files.createDirectories(options.dataDir().resolve("logs"));
        Files.createDirectories(options.dataDir().resolve("buckets"));
        String token = files.adminToken();
        List<Service> selected = options.services();
        attachedTo = runningKafka();
        // unpacked while Kafka starts: the services then start from plain jars (ServiceImage)
        Map<Service, CompletableFuture<Path>> images = new LinkedHashMap<>();
        for (Service service : selected) {
            Path jar = options.home().resolve(service.module()).resolve("target").resolve(service.module() + "-" + VERSION + "-exec.jar");
            if (!Files.exists(jar)) {
                throw new IOException("missing " + jar + "; build with ./mvnw -B -q install -DskipTests");
            }
            images.put(service, ServiceImage.prepare(launcher.java(), jar));
        }
        supervisor = new Supervisor(Backoff.DEFAULT, files::report, this::writeStackFile);
        if (attachedTo != null) {
            bootstrapServers = attachedTo;
            registryUrl = LocalStackFile.read(options.dataDir()).filter(LocalStackFile::running)
                    .map(file -> file.urls().get(REGISTRY_URL_NAME)).orElse(null);
            if (options.registry() && registryUrl == null) {
                throw new IOException("--registry: the stack that runs Kafka at " + attachedTo + " has no schema registry; start it with --registry");
            }
            System.out.println("sluice: Kafka already runs at " + attachedTo + "; starting only " + selected.stream().map(Service::module).toList()
                    + " beside it (it stays with the stack that started it)");
        } else {
            if (options.registry()) {
                startRegistry(logs); // boots while Kafka starts
            }
            startKafka(logs, started);
            if (registry != null) {
                awaitRegistry(started);
            }
        }
        for (Service service : selected) {
            Path jar = images.get(service).join();
            for (int replica = 1; replica <= options.replicas(); replica++) {
                services.add(startService(service, replica, jar, token, logs));
            }
        }
        if (!selected.isEmpty()) {
            System.out.println("sluice: starting " + services.size() + " service processes (logs in " + logs + ")");
            awaitServices();
        }
        printSummary(token, started);
        if (services.stream().anyMatch(s -> s.state() != Supervisor.State.UP)) {
            throw new IOException("some services did not report UP within " + options.healthTimeout().toSeconds() + " s; see " + logs);
        }
    }

    /**
     * Kafka that already serves this data dir or port: the one a running stack named in its
     * {@code stack.json}, or a broker answering on the Kafka port. {@code --only} uses it instead of
     * starting a second one; a full start refuses to run beside it.
     */
    private String runningKafka() throws IOException {
        Optional<LocalStackFile> running = LocalStackFile.read(options.dataDir()).filter(LocalStackFile::running);
        boolean addingServices = !options.only().isEmpty() && !options.brokerOnly();
        if (running.isPresent()) {
            if (!addingServices) {
                throw new IOException("a stack already runs on " + options.dataDir() + " (pid " + running.get().pid() + ", Kafka at "
                        + running.get().kafka() + "); stop it first, add services to it with --only, or use another --data-dir");
            }
            return running.get().kafka();
        }
        String port = "localhost:" + options.kafkaPort();
        if (Broker.accepts(options.kafkaPort())) {
            if (addingServices && KafkaCluster.answers(port, Duration.ofSeconds(5))) {
                return port;
            }
            throw new IOException("something already listens on " + port + (addingServices ? " and it is not Kafka" : "")
                    + "; stop it (another ./sluice up?) or choose --kafka-port");
        }
        return null;
    }

    /** The name of the registry's API in {@code stack.json}'s urls (what the CLI's {@code sluice events} looks up). */
    static final String REGISTRY_URL_NAME = "schema-registry";

    private void startRegistry(Path logs) throws IOException {
        Path distribution = SchemaRegistryServer.distribution(options.home()).orElseThrow(() -> new IOException(
                "--registry needs the registry the build unpacks into " + options.home().resolve(SchemaRegistryServer.DISTRIBUTION)
                        + "; build it with ./mvnw -B -q install -DskipTests"));
        Path java = SchemaRegistryServer.findJava(System.getenv()).orElseThrow(() -> new IOException(
                "--registry needs Java " + SchemaRegistryServer.MIN_JAVA + " or newer for the schema registry; set SLUICE_REGISTRY_JAVA_HOME"));
        registry = new SchemaRegistryServer(java, distribution, SchemaRegistryServer.PORT + options.portOffset(),
                options.dataDir().resolve("schema-registry"));
        registryUrl = registry.api();
        Path log = logs.resolve("schema-registry.log");
        System.out.println("sluice: starting the schema registry (Apicurio, " + java + ") on " + registry.api() + ", schemas in "
                + registry.storage());
        registries.add(supervisor.start("schema-registry", "schema-registry", 1, registry.port(), log, () -> registry.launch(log),
                registry::answers));
    }

    private void awaitRegistry(long started) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + options.healthTimeout().toNanos();
        Supervisor.Child child = registries.get(0);
        while (child.state() != Supervisor.State.UP) {
            if (System.nanoTime() > deadline || child.state() == Supervisor.State.FAILED) {
                throw new IOException("the schema registry did not answer at " + registry.api() + " within "
                        + options.healthTimeout().toSeconds() + " s; see " + child.log);
            }
            Thread.sleep(500);
        }
        System.out.printf("sluice: schema registry ready; every service writes events in Confluent framing through it (%.1f s)%n",
                seconds(started));
    }

    private void startKafka(Path logs, long started) throws IOException, InterruptedException {
        cluster = KafkaCluster.of(options.dataDir(), options.kafkaPort(), options.brokers());
        bootstrapServers = cluster.bootstrapServers();
        System.out.println("sluice: starting Kafka (KRaft, " + options.brokers() + (options.brokers() == 1 ? " broker" : " brokers") + ") on "
                + bootstrapServers + ", data in " + cluster.logDir());
        java.util.function.Function<Broker, Path> logOf = node -> logs.resolve(options.brokers() == 1 ? "kafka.log" : node.name() + ".log");
        cluster.prepare(launcher, logOf);
        for (Broker node : cluster.nodes()) {
            Path log = logOf.apply(node);
            brokers.add(supervisor.start(node.name(), "kafka", node.nodeId(), node.port(), log, () -> node.launch(launcher, log), node::listening));
        }
        files.point();
        // at least 90 s; on a loaded machine three brokers need longer, as long as the services may take
        Duration timeout = options.healthTimeout().compareTo(Duration.ofSeconds(90)) > 0 ? options.healthTimeout() : Duration.ofSeconds(90);
        cluster.awaitReadyAndCreateTopics(timeout, () -> brokers.stream().anyMatch(b -> b.state() == Supervisor.State.FAILED));
        System.out.printf("sluice: Kafka ready with the Sluice topics (%d partitions, replication %d, min in-sync %d; %.1f s)%n",
                cluster.topics().partitions(), cluster.topics().replicationFactor(), cluster.topics().minInsyncReplicas(), seconds(started));
    }

    private Supervisor.Child startService(Service service, int replica, Path jar, String token, Path logs) throws IOException {
        String name = service.instance(replica);
        List<String> args = new ArrayList<>();
        if (options.portOffset() != 0 || replica > 1) {
            args.add("--server.port=" + service.port(options.portOffset(), replica));
            if (service.module().equals("inference-service")) { // its gRPC port moves with the HTTP one
                args.add("--sluice.inference.grpc.port=" + (Service.INFERENCE_GRPC_PORT + service.port(options.portOffset(), replica) - service.port()));
            }
        }
        if (options.portOffset() != 0 && service.module().equals("console")) {
            args.add("--sluice.console.deployment-url=http://localhost:" + Service.named("deployment-service").port(options.portOffset()));
            args.add("--sluice.console.inference-url=http://localhost:" + Service.named("inference-service").port(options.portOffset()));
            args.add("--sluice.console.evaluation-url=http://localhost:" + Service.named("evaluation-service").port(options.portOffset()));
        }
        if (replica > 1) { // the buckets are shared by every replica
            args.add("--sluice.storage.local-root=" + options.dataDir().resolve("buckets"));
        }
        args.addAll(options.argsOf(service.module()));
        Path log = logs.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(launcher.service(jvmOptions(service), jar, args))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        if (replica == 1) {
            env.put("SLUICE_DATA_DIR", options.dataDir().toString());
        } else {
            // what a replica keeps on local disk (model cache, stream state, …) is its own, as in a pod
            env.put("SLUICE_DATA_DIR", Files.createDirectories(options.dataDir().resolve("replicas").resolve(name)).toString());
        }
        withoutBucketNaming(env);
        env.putAll(kafkaEnvironment());
        if (registryUrl != null) { // a stack in registry mode: readers look ids up there, and with --registry writers use it
            env.put("SLUICE_EVENTS_REGISTRY_URL", registryUrl);
        }
        if (options.registry()) {
            env.put("SLUICE_EVENTS_WIRE_FORMAT", "confluent");
        }
        env.put("SLUICE_ADMIN_TOKEN", token);
        String health = service.healthUrl(options.portOffset(), replica);
        return supervisor.start(name, service.module(), replica, service.port(options.portOffset(), replica), log, builder::start,
                () -> "UP".equals(probe(health)));
    }

    /**
     * Drops the bucket settings of the caller's shell ({@code SLUICE_PROJECT}, {@code SLUICE_ENV}, {@code SLUICE_BUCKETS_*}):
     * the local stack keeps its buckets under its data dir, where the demo, the CLI and its printout look for them.
     */
    static void withoutBucketNaming(Map<String, String> env) {
        env.keySet().removeIf(name -> name.equals("SLUICE_PROJECT") || name.equals("SLUICE_ENV") || name.startsWith("SLUICE_BUCKETS_"));
    }

    /**
     * Kafka settings for every service process: this stack's cluster, or when only services are added to a running stack,
     * its Kafka with the layout a cluster of {@code --brokers} nodes has (the topics exist already).
     */
    Map<String, String> kafkaEnvironment() {
        if (cluster != null) {
            return cluster.serviceEnvironment();
        }
        Map<String, String> env = new LinkedHashMap<>(KafkaCluster.of(options.dataDir(), options.kafkaPort(), options.brokers()).serviceEnvironment());
        env.put("SLUICE_KAFKA", bootstrapServers);
        return env;
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

    /** Waits until every service process is UP (the supervisor probes them), one was given up on, or the health timeout. */
    private void awaitServices() throws InterruptedException {
        long deadline = System.nanoTime() + options.healthTimeout().toNanos();
        while (System.nanoTime() < deadline && !services.stream().allMatch(s -> s.state() == Supervisor.State.UP)
                && services.stream().noneMatch(s -> s.state() == Supervisor.State.FAILED)) {
            Thread.sleep(500);
        }
    }

    private String probe(String healthUrl) {
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

    private void printSummary(String token, long started) {
        StringBuilder out = new StringBuilder("\n  Sluice local stack\n");
        if (attachedTo != null) {
            out.append(String.format("  %-20s %-7s %s (already running)%n", "kafka", "UP", attachedTo));
        }
        for (Supervisor.Child child : supervisor.children()) {
            String where = child.module.equals("kafka") ? "localhost:" + child.port : "http://localhost:" + child.port;
            out.append(String.format("  %-20s %-7s %s%n", child.name, child.state(), where));
        }
        if (attachedTo == null && options.brokerOnly()) {
            out.append("\n  bootstrap    ").append(bootstrapServers).append("\n");
        }
        out.append("\n  console      http://localhost:").append(Service.named("console").port(options.portOffset())).append("\n");
        out.append("  admin token  ").append(token).append("   (also in ").append(options.dataDir().resolve("admin-token")).append(")\n");
        if (registryUrl != null) {
            out.append("  registry     ").append(registryUrl).append(options.registry() ? "   (events in Confluent framing)" : "").append("\n");
        }
        out.append("  raw bucket   ").append(options.dataDir().resolve("buckets/sluice-local-raw-data")).append("\n");
        out.append("  watch        ./sluice events --follow\n");
        out.append(String.format("%n  ready in %.1f s — Ctrl-C stops everything%n", seconds(started)));
        System.out.println(out);
    }

    /** Rewrites {@code stack.json} (only the stack that runs Kafka owns it; one that only adds services leaves it alone). */
    private synchronized void writeStackFile() {
        if (cluster == null || stopping) {
            return;
        }
        Map<String, String> urls = new LinkedHashMap<>();
        for (Service service : Service.ALL) {
            urls.put(service.module(), "http://localhost:" + service.port(options.portOffset()));
        }
        if (registry != null) {
            urls.put(REGISTRY_URL_NAME, registry.api());
        }
        files.write(new LocalStackFile(ProcessHandle.current().pid(), LocalStackFile.currentProcessStart(), options.dataDir(),
                bootstrapServers, options.portOffset(), urls, supervisor.children().stream().map(Supervisor.Child::snapshot).toList(),
                Instant.now()));
    }

    /** Blocks until the stack has stopped. */
    void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** Stops supervising, then the services (SIGTERM, graceful), then Kafka; removes this stack's file and pointer. */
    void stop() {
        synchronized (this) {
            if (stopping) {
                return;
            }
            stopping = true;
        }
        if (supervisor != null) {
            supervisor.close();
            System.out.println("\nsluice: stopping services…");
            supervisor.stop(services, Duration.ofSeconds(20));
            if (!registries.isEmpty()) {
                System.out.println("sluice: stopping the schema registry…");
                supervisor.stop(registries, Duration.ofSeconds(20));
            }
            if (!brokers.isEmpty()) {
                System.out.println("sluice: stopping Kafka…");
                supervisor.stop(brokers, Duration.ofSeconds(30));
            }
        }
        if (cluster != null) { // only the stack that started Kafka wrote the stack file and the pointer
            files.remove();
        }
        System.out.println("sluice: stopped");
        stopped.countDown();
    }

    /** The supervised processes (brokers first), for tests. */
    List<Supervisor.Child> processes() {
        return supervisor == null ? List.of() : supervisor.children();
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** Stops one process for good (SIGTERM; the supervisor does not restart it): a broker taken down on purpose. */
    void stopProcess(Supervisor.Child child) {
        supervisor.stop(List.of(child), Duration.ofSeconds(30));
        writeStackFile();
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
