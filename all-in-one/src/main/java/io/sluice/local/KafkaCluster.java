package io.sluice.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

import io.sluice.platform.kafka.TopicLayout;

/**
 * The local stack's Kafka: one KRaft node, or {@code size} nodes that form one quorum (each node is
 * broker and controller), on consecutive port pairs from the first port: node {@code i} (1-based)
 * serves clients on {@code port + 2(i-1)} and its controller on the port after it. Every Sluice topic
 * has 6 partitions and min(3, nodes) replicas, and needs two in-sync replicas when replicated, so
 * three nodes keep serving with one down ({@link #topics()}); every service process is told the same
 * ({@link #serviceEnvironment}).
 *
 * <p>Layout: one node keeps its log in {@code <data-dir>/kafka} (as before clusters existed); a
 * cluster of N in {@code <data-dir>/kafka-N/broker-i}, so the two never share a log.
 */
final class KafkaCluster {

    private final Path dataDir;
    private final List<Broker> nodes;

    private KafkaCluster(Path dataDir, List<Broker> nodes) {
        this.dataDir = dataDir;
        this.nodes = List.copyOf(nodes);
    }

    static KafkaCluster of(Path dataDir, int firstPort, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a cluster needs at least one broker, not " + size);
        }
        String voters = java.util.stream.IntStream.rangeClosed(1, size)
                .mapToObj(i -> i + "@localhost:" + (firstPort + 2 * (i - 1) + 1)).collect(Collectors.joining(","));
        TopicLayout topics = topics(size);
        short replication = topics.replicationFactor();
        int minInSync = topics.minInsyncReplicas();
        Properties settings = new Properties();
        settings.setProperty("controller.quorum.voters", voters);
        for (String key : List.of("offsets.topic.replication.factor", "transaction.state.log.replication.factor",
                "share.coordinator.state.topic.replication.factor", "default.replication.factor")) {
            settings.setProperty(key, String.valueOf(replication));
        }
        for (String key : List.of("transaction.state.log.min.isr", "share.coordinator.state.topic.min.isr", "min.insync.replicas")) {
            settings.setProperty(key, String.valueOf(minInSync));
        }
        List<Broker> nodes = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            int port = firstPort + 2 * (i - 1);
            if (size == 1) {
                nodes.add(new Broker(i, port, dataDir.resolve("kafka"), dataDir.resolve("kafka-server.properties"), settings));
            } else {
                Path root = dataDir.resolve("kafka-" + size);
                nodes.add(new Broker(i, port, root.resolve("broker-" + i), root.resolve("broker-" + i + ".properties"), settings));
            }
        }
        return new KafkaCluster(dataDir, nodes);
    }

    List<Broker> nodes() {
        return nodes;
    }

    String bootstrapServers() {
        return nodes.stream().map(n -> "localhost:" + n.port()).collect(Collectors.joining(","));
    }

    /**
     * How the Sluice topics are laid out on this cluster: 6 partitions (as many as the services' default, so
     * replicas share the work), replicas 3 or fewer when the cluster is smaller, and 2 in-sync replicas a write
     * needs ({@code acks=all}) when replicated, else 1.
     */
    TopicLayout topics() {
        return topics(nodes.size());
    }

    private static TopicLayout topics(int size) {
        short replication = (short) Math.min(3, size);
        return new TopicLayout(6, replication, replication > 1 ? 2 : 1);
    }

    /** The Kafka settings of every service process: where Kafka is, and the topic layout to create what is missing with. */
    Map<String, String> serviceEnvironment() {
        TopicLayout topics = topics();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SLUICE_KAFKA", bootstrapServers());
        env.put("SLUICE_KAFKA_PARTITIONS", String.valueOf(topics.partitions()));
        env.put("SLUICE_KAFKA_REPLICATION_FACTOR", String.valueOf(topics.replicationFactor()));
        env.put("SLUICE_KAFKA_MIN_INSYNC_REPLICAS", String.valueOf(topics.minInsyncReplicas()));
        return env;
    }

    /** The log folder of the first node (the one a single-node stack has always had). */
    Path logDir() {
        return nodes.size() == 1 ? nodes.get(0).logDir() : nodes.get(0).logDir().getParent();
    }

    /** The cluster id every node is formatted with, made once and kept beside the logs. */
    String clusterId() throws IOException {
        Path idFile = nodes.size() == 1 ? dataDir.resolve("kafka-cluster-id") : logDir().resolve("cluster-id");
        Files.createDirectories(idFile.getParent());
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

    /**
     * Waits until every node has joined and answers, then creates every Sluice topic and DLT that is
     * missing, laid out as {@link #topics()} says (platform's {@link TopicLayout}, as the services create them).
     *
     * @param gaveUp true once the supervisor has given up on a node: waiting longer is pointless
     */
    void awaitReadyAndCreateTopics(Duration timeout, BooleanSupplier gaveUp) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        while (true) {
            if (gaveUp.getAsBoolean()) {
                throw new IOException("a Kafka broker keeps exiting; see " + dataDir.resolve("logs"));
            }
            try (Admin admin = Admin.create(config)) {
                int joined = admin.describeCluster().nodes().get().size();
                if (joined < nodes.size()) {
                    throw new IllegalStateException(joined + " of " + nodes.size() + " brokers have joined");
                }
                createMissingTopics(admin);
                return;
            } catch (ExecutionException | RuntimeException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("Kafka did not become ready on " + bootstrapServers() + " within " + timeout + ": " + notYet.getMessage());
                }
                Thread.sleep(500);
            }
        }
    }

    private void createMissingTopics(Admin admin) throws InterruptedException, ExecutionException {
        Set<String> existing = admin.listTopics().names().get();
        List<NewTopic> missing = topics().newTopics().stream().filter(t -> !existing.contains(t.name())).toList();
        if (!missing.isEmpty()) {
            admin.createTopics(missing).all().get();
        }
    }

    /** Writes every node's configuration and formats the nodes never formatted, all at once (a JVM each). */
    void prepare(JavaLauncher launcher, java.util.function.Function<Broker, Path> logOf) throws IOException, InterruptedException {
        String clusterId = clusterId();
        Map<Broker, Process> formats = new java.util.LinkedHashMap<>();
        for (Broker node : nodes) {
            Process format = node.prepare(clusterId, launcher, logOf.apply(node));
            if (format != null) {
                formats.put(node, format);
            }
        }
        for (Map.Entry<Broker, Process> format : formats.entrySet()) {
            Process process = format.getValue();
            if (!process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS) || process.exitValue() != 0) {
                formats.values().forEach(Process::destroyForcibly);
                Path log = logOf.apply(format.getKey());
                throw new IOException("formatting the Kafka log directory " + format.getKey().logDir() + " failed; see " + log + ":\n"
                        + Broker.tail(log, 20));
            }
        }
    }

    /** Whether a Kafka cluster answers at these bootstrap servers within the timeout. */
    static boolean answers(String bootstrapServers, Duration timeout) {
        int millis = (int) timeout.toMillis();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis))) {
            return !admin.describeCluster().nodes().get().isEmpty();
        } catch (ExecutionException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
