package io.sluice.containers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.MountableFile;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;

/**
 * The sluice/kafka image (KRaft, one node) on a test network as {@code kafka:9092}, and on a host port for
 * the test's own clients: the broker must advertise that port, so it is chosen before the container starts.
 */
final class KafkaBroker extends GenericContainer<KafkaBroker> {

    static final String ALIAS = "kafka";
    static final String INTERNAL = ALIAS + ":9092";
    private static final int EXTERNAL_PORT = 19092;

    private final int hostPort;

    KafkaBroker(Network network) {
        super(Images.KAFKA);
        hostPort = freePort();
        withNetwork(network).withNetworkAliases(ALIAS)
                .withEnv("KAFKA_CFG_LISTENERS", "PLAINTEXT://0.0.0.0:9092,EXTERNAL://0.0.0.0:" + EXTERNAL_PORT + ",CONTROLLER://localhost:9093")
                .withEnv("KAFKA_CFG_ADVERTISED_LISTENERS", "PLAINTEXT://" + INTERNAL + ",EXTERNAL://127.0.0.1:" + hostPort)
                .withEnv("KAFKA_CFG_LISTENER_SECURITY_PROTOCOL_MAP", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,EXTERNAL:PLAINTEXT")
                .withCreateContainerCmdModifier(cmd -> {
                    cmd.withExposedPorts(ExposedPort.tcp(EXTERNAL_PORT));
                    cmd.getHostConfig().withPortBindings(
                            new PortBinding(Ports.Binding.bindIpAndPort("127.0.0.1", hostPort), ExposedPort.tcp(EXTERNAL_PORT)));
                })
                .waitingFor(Wait.forLogMessage(".*Kafka Server started.*", 1).withStartupTimeout(Duration.ofMinutes(3)));
    }

    /** Bootstrap address for clients on this host. */
    String hostBootstrap() {
        return "127.0.0.1:" + hostPort;
    }

    /**
     * Runs the topic-creation script of the Kubernetes Job (deploy/k8s/create-topics.sh) in this container, with the
     * replication one broker allows, and returns every topic's cleanup policy as the broker reports it.
     */
    Map<String, String> createTopics(Path script) throws Exception {
        copyFileToContainer(MountableFile.forHostPath(script), "/tmp/create-topics.sh");
        ExecResult result = execInContainer("env", "SLUICE_KAFKA=localhost:9092", "PARTITIONS=1", "REPLICATION=1",
                "MIN_INSYNC_REPLICAS=1", "bash", "/tmp/create-topics.sh");
        if (result.getExitCode() != 0) {
            throw new AssertionError("create-topics.sh exited with " + result.getExitCode() + ":\n" + result.getStderr());
        }
        try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, hostBootstrap()))) {
            Set<String> names = admin.listTopics().names().get();
            List<ConfigResource> resources = names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
            Map<String, String> policies = new TreeMap<>();
            admin.describeConfigs(resources).all().get().forEach((resource, config) ->
                    policies.put(resource.name(), config.get("cleanup.policy").value()));
            return policies;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
