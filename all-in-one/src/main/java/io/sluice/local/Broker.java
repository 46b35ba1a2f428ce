package io.sluice.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

import io.sluice.platform.events.SluiceTopics;

/**
 * A real single-node KRaft Kafka broker in its own process, its log under the data directory so
 * topics and offsets survive a restart. Formats the storage once, then starts {@code kafka.Kafka}.
 */
final class Broker implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private final JavaLauncher launcher;
    private Process process;

    Broker(Path dataDir, int port, JavaLauncher launcher) {
        this.dataDir = dataDir;
        this.port = port;
        this.launcher = launcher;
    }

    String bootstrapServers() {
        return "localhost:" + port;
    }

    Path logDir() {
        return dataDir.resolve("kafka");
    }

    /** The last lines of a log, for an error message. */
    static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(cannot read it: " + e.getMessage() + ")";
        }
    }

    void start(Path logFile) throws IOException, InterruptedException {
        Path config = writeConfig();
        List<String> jvm = List.of("-Xmx512m", "-XX:+UseSerialGC", "-Dlog4j2.level=WARN", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        if (!Files.exists(logDir().resolve("meta.properties"))) {
            String clusterId = clusterId();
            Process format = new ProcessBuilder(launcher.command(jvm, "kafka.tools.StorageTool",
                    List.of("format", "--cluster-id=" + clusterId, "--config=" + config, "--ignore-formatted")))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
            if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
                throw new IOException("formatting the Kafka log directory failed; see " + logFile + ":\n" + tail(logFile, 20));
            }
        }
        process = new ProcessBuilder(launcher.command(jvm, "kafka.Kafka", List.of(config.toString())))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
    }

    private String clusterId() throws IOException {
        Path idFile = dataDir.resolve("kafka-cluster-id");
        if (Files.exists(idFile)) {
            String id = Files.readString(idFile).strip();
            // an id with a leading '-' reads as an option to kafka-storage; the log is not formatted yet, so a new one is fine
            if (!id.isEmpty() && !id.startsWith("-")) {
                return id;
            }
        }
        // Kafka's own generator: 16 random bytes, URL-safe base64, never starting with '-'
        String id = Uuid.randomUuid().toString();
        Files.writeString(idFile, id);
        return id;
    }

    private Path writeConfig() throws IOException {
        Files.createDirectories(logDir());
        Properties props = new Properties();
        props.load(Broker.class.getResourceAsStream("/kafka-server.properties"));
        props.setProperty("log.dirs", logDir().toString());
        props.setProperty("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + (port + 1));
        props.setProperty("advertised.listeners", "PLAINTEXT://localhost:" + port);
        props.setProperty("controller.quorum.voters", "1@localhost:" + (port + 1));
        Path config = dataDir.resolve("kafka-server.properties");
        try (var out = Files.newBufferedWriter(config)) {
            props.store(out, "written by ./sluice up; edit kafka-server.properties in all-in-one instead");
        }
        return config;
    }

    /** Waits until the broker answers, then creates every Sluice topic and DLT that is missing. */
    void awaitReadyAndCreateTopics(Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        while (true) {
            if (process != null && !process.isAlive()) {
                throw new IOException("the Kafka broker exited with " + process.exitValue());
            }
            try (Admin admin = Admin.create(config)) {
                Set<String> existing = admin.listTopics().names().get();
                List<NewTopic> missing = new ArrayList<>();
                for (SluiceTopics.Topic topic : SluiceTopics.ALL) {
                    if (!existing.contains(topic.name())) {
                        NewTopic main = new NewTopic(topic.name(), 1, (short) 1);
                        if (topic.compacted()) {
                            main.configs(Map.of("cleanup.policy", "compact", "min.cleanable.dirty.ratio", "0.1"));
                        }
                        missing.add(main);
                    }
                    if (!existing.contains(topic.deadLetter())) {
                        missing.add(new NewTopic(topic.deadLetter(), 1, (short) 1));
                    }
                }
                if (!missing.isEmpty()) {
                    admin.createTopics(missing).all().get();
                }
                return;
            } catch (ExecutionException | RuntimeException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("Kafka did not become ready on " + bootstrapServers() + " within " + timeout, notYet);
                }
                Thread.sleep(500);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy(); // SIGTERM: a controlled shutdown that flushes the log
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
