package io.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.kafka.Partitions;
import io.sluice.platform.local.LocalStackFile;

/**
 * The local stack's broker is a real KRaft broker with every topic, formats its log whatever cluster
 * id it finds, keeps its data across a restart, is restarted when killed; {@code --only} adds
 * services beside a running stack without a second broker, and a killed service comes back.
 */
class LocalStackIntegrationTests {

    static final Path HOME = Path.of(System.getProperty("sluice.e2e.home", "..")).toAbsolutePath().normalize();

    @TempDir
    Path dataDir;

    @TempDir
    Path userHome;

    @Test
    void startsARealBrokerWithTheTopicsKeepsItsDataAcrossARestartAndRestartsItWhenKilled() throws Exception {
        int port = freePorts(2);
        UpOptions options = new UpOptions(Path.of("."), dataDir, port, List.of(), true, Duration.ofSeconds(180));

        // a cluster id left by an older version that kafka-storage would read as an option (1 in 64 of them did)
        Files.writeString(dataDir.resolve("kafka-cluster-id"), "-Tc9ikNpRlWOr3ZbhZlQTQ");

        LocalStack first = new LocalStack(options, userHome);
        try {
            first.start();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + port))) {
                assertThat(admin.listTopics().names().get()).containsAll(SluiceTopics.namesWithDeadLetters());
                ConfigResource state = new ConfigResource(ConfigResource.Type.TOPIC, SluiceTopics.DEPLOYMENT_STATE);
                ConfigEntry policy = admin.describeConfigs(List.of(state)).all().get().get(state).get("cleanup.policy");
                assertThat(policy.value()).isEqualTo("compact");
            }
            send(port, "kept");
            LocalStackFile file = LocalStackFile.read(dataDir).orElseThrow();
            assertThat(file.running()).isTrue();
            assertThat(file.kafka()).isEqualTo("localhost:" + port);
            assertThat(LocalStackFile.pointer(userHome)).hasContent(dataDir.toString());

            Supervisor.Child broker = first.processes().get(0);
            long killed = broker.process().pid();
            ProcessHandle.of(killed).orElseThrow().destroyForcibly(); // kill -9

            await().atMost(Duration.ofSeconds(90)).until(() -> broker.restarts() == 1 && broker.state() == Supervisor.State.UP);
            assertThat(readAll(port)).containsExactly("kept");
            assertThat(dataDir.resolve("logs/stack.log")).content()
                    .contains("sluice: kafka-1 (pid " + killed + ") exited with 137 (killed: SIGKILL)")
                    .contains("sluice: kafka-1 is UP again");
            assertThat(LocalStackFile.read(dataDir).orElseThrow().processes()).singleElement()
                    .satisfies(p -> assertThat(p.restarts()).isEqualTo(1))
                    .satisfies(p -> assertThat(p.lastExit()).isEqualTo(137));
        } finally {
            first.stop();
        }
        assertThat(dataDir.resolve(LocalStackFile.FILE_NAME)).as("a stopped stack leaves no stack file").doesNotExist();
        assertThat(LocalStackFile.pointer(userHome)).doesNotExist();

        LocalStack second = new LocalStack(options, userHome);
        try {
            second.start();
            assertThat(readAll(port)).containsExactly("kept");
            assertThat(dataDir.resolve("admin-token")).isNotEmptyFile();
        } finally {
            second.stop();
        }
    }

    @Test
    void addsServicesBesideARunningStackWithoutASecondBrokerAndRestartsAKilledService() throws Exception {
        Path consoleJar = HOME.resolve("console/target/console-0.1.0-SNAPSHOT-exec.jar");
        Assumptions.assumeTrue(Files.exists(consoleJar), () -> "skipped: " + consoleJar + " is not built yet");
        int kafkaPort = freePorts(2);
        int offset = freePorts(1) - 8080;
        LocalStack broker = new LocalStack(new UpOptions(HOME, dataDir, kafkaPort, List.of(), true, Duration.ofSeconds(180)), userHome);
        LocalStack console = new LocalStack(new UpOptions(HOME, dataDir, kafkaPort, List.of("console"), false, Duration.ofSeconds(240),
                offset, Map.of()), userHome);
        try {
            broker.start();
            LocalStack refused = new LocalStack(new UpOptions(HOME, dataDir, kafkaPort, List.of(), false, Duration.ofSeconds(60)), userHome);
            assertThatThrownBy(refused::start).as("a second whole stack on the same data dir").hasMessageContaining("a stack already runs on " + dataDir);
            refused.stop(); // as its shutdown hook does: it leaves the running stack's files alone
            assertThat(LocalStackFile.read(dataDir)).isPresent();
            assertThat(LocalStackFile.pointer(userHome)).hasContent(dataDir.toString());

            console.start();
            assertThat(console.processes()).extracting(c -> c.name).containsExactly("console");
            assertThat(console.bootstrapServers()).isEqualTo("localhost:" + kafkaPort);
            assertThat(LocalStackFile.read(dataDir).orElseThrow().pid()).as("the stack file stays the first stack's")
                    .isEqualTo(ProcessHandle.current().pid());

            Supervisor.Child service = console.processes().get(0);
            long killed = service.process().pid();
            ProcessHandle.of(killed).orElseThrow().destroyForcibly(); // kill -9

            await().atMost(Duration.ofSeconds(240)).until(() -> service.restarts() == 1 && service.state() == Supervisor.State.UP);
            assertThat(service.process().pid()).isNotEqualTo(killed);
            assertThat(dataDir.resolve("logs/stack.log")).content()
                    .contains("sluice: console (pid " + killed + ") exited with 137 (killed: SIGKILL)")
                    .contains("sluice: console is UP again");
        } finally {
            console.stop();
            broker.stop();
        }
    }

    private static void send(int port, String value) throws Exception {
        Properties producer = new Properties();
        producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + port);
        try (KafkaProducer<String, String> out = new KafkaProducer<>(producer, new StringSerializer(), new StringSerializer())) {
            out.send(new ProducerRecord<>(SluiceTopics.DATASETS, "digits", value)).get();
        }
    }

    private static List<String> readAll(int port) {
        Properties consumer = new Properties();
        consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + port);
        try (KafkaConsumer<String, String> in = new KafkaConsumer<>(consumer, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(SluiceTopics.DATASETS, Partitions.of("digits", 6)); // 6 partitions, keyed
            in.assign(List.of(partition));
            in.seekToBeginning(List.of(partition));
            return in.poll(Duration.ofSeconds(20)).records(partition).stream().map(r -> r.value()).toList();
        }
    }

    /** A free port whose next {@code count - 1} successors are free too. */
    static int freePorts(int count) throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket socket = new ServerSocket(0)) {
                int port = socket.getLocalPort();
                if (port + count < 65000 && java.util.stream.IntStream.range(1, count).allMatch(i -> free(port + i))) {
                    return port;
                }
            }
        }
        throw new IllegalStateException("no " + count + " free ports in a row");
    }

    private static boolean free(int port) {
        try (ServerSocket ignored = new ServerSocket(port)) {
            return true;
        } catch (java.io.IOException taken) {
            return false;
        }
    }
}
