package io.sluice.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * One node of the local stack's KRaft cluster (broker and controller in one process), its log
 * under the data directory so topics and offsets survive a restart: its storage is formatted once,
 * then it runs {@code kafka.Kafka} with the configuration written here.
 *
 * @param nodeId   KRaft node id (1-based)
 * @param port     client listener ({@code PLAINTEXT}); the controller listens on the next port
 * @param logDir   its log directory
 * @param config   where its server.properties is written
 * @param settings cluster-wide settings on top of {@code kafka-server.properties} (quorum voters, replication defaults)
 */
record Broker(int nodeId, int port, Path logDir, Path config, Properties settings) {

    static final List<String> JVM = List.of("-Xmx512m", "-XX:+UseSerialGC", "-Dlog4j2.level=WARN", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");

    int controllerPort() {
        return port + 1;
    }

    String name() {
        return "kafka-" + nodeId;
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

    /** Writes the configuration; returns the format process when the log directory was never formatted, else null. */
    Process prepare(String clusterId, JavaLauncher launcher, Path logFile) throws IOException {
        Files.createDirectories(logDir);
        Properties props = new Properties();
        props.load(Broker.class.getResourceAsStream("/kafka-server.properties"));
        props.putAll(settings);
        props.setProperty("node.id", String.valueOf(nodeId));
        props.setProperty("log.dirs", logDir.toString());
        props.setProperty("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort());
        props.setProperty("advertised.listeners", "PLAINTEXT://localhost:" + port);
        try (var out = Files.newBufferedWriter(config)) {
            props.store(out, "written by ./sluice up; edit kafka-server.properties in all-in-one instead");
        }
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return null;
        }
        return new ProcessBuilder(launcher.command(JVM, "kafka.tools.StorageTool",
                List.of("format", "--cluster-id=" + clusterId, "--config=" + config, "--ignore-formatted")))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
    }

    /** Starts the broker process (its output appended to the log file). */
    Process launch(JavaLauncher launcher, Path logFile) throws IOException {
        return new ProcessBuilder(launcher.command(JVM, "kafka.Kafka", List.of(config.toString())))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
    }

    /** Whether its client listener accepts connections (the supervisor's health check). */
    boolean listening() {
        return accepts(port);
    }

    /** Whether something accepts connections on a local port. */
    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
