package io.sluice.platform.testkit;

import java.io.IOException;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import io.sluice.platform.events.SluiceTopics;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;

/**
 * A single-node KRaft broker in this JVM that can really be stopped and started again on the same
 * port with the same log: what a broker restart looks like to the clients (unreachable, then back
 * with every record). {@link SluiceKafka}'s embedded cluster cannot restart a broker.
 */
public final class RestartableBroker implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final int partitions;
    private KafkaRaftServer server;

    public RestartableBroker(int partitions) throws IOException {
        this.dir = Files.createTempDirectory("sluice-broker");
        this.port = freePort();
        this.controllerPort = freePort();
        this.partitions = partitions;
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    /** Formats the log once, starts the broker and creates every Sluice topic (first start). */
    public synchronized RestartableBroker start() throws Exception {
        Properties props = config();
        Path file = dir.resolve("server.properties");
        if (!Files.exists(dir.resolve("log").resolve("meta.properties"))) {
            try (var out = Files.newBufferedWriter(file)) {
                props.store(out, null);
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            int exit = StorageTool.execute(new String[] {"format", "--cluster-id=" + Uuid.randomUuid(), "--config=" + file},
                    new PrintStream(output));
            if (exit != 0) {
                throw new IllegalStateException("formatting failed: " + output);
            }
        }
        server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
        server.startup();
        return this;
    }

    /** Creates every Sluice topic and its dead-letter topic. */
    public void createTopics() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            List<NewTopic> topics = new ArrayList<>();
            for (SluiceTopics.Topic topic : SluiceTopics.ALL) {
                topics.add(new NewTopic(topic.name(), partitions, (short) 1));
                topics.add(new NewTopic(topic.deadLetter(), partitions, (short) 1));
            }
            admin.createTopics(topics).all().get();
        }
    }

    /** Stops the broker; clients see it unreachable until {@link #start()}. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private Properties config() {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        props.put("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", dir.resolve("log").toString());
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "3");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        return props;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
