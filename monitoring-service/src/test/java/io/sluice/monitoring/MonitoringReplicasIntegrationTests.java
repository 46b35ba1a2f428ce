package io.sluice.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.sluice.events.CanaryDegraded;
import io.sluice.events.CanaryHealthy;
import io.sluice.events.DeploymentState;
import io.sluice.events.Events;
import io.sluice.events.PredictionOutcome;
import io.sluice.events.PredictionServed;
import io.sluice.events.ReleasePhase;
import io.sluice.events.Route;
import io.sluice.events.RouteRole;
import io.sluice.monitoring.streams.MonitoringStores;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.kafka.Partitions;
import io.sluice.platform.testkit.SluiceKafka;

/**
 * Two monitoring replicas on a 3-broker embedded KRaft cluster (3 partitions per topic on every broker), six canary releases (two models per
 * partition) walking four steps. The first replica (its own JVM) judges step 0 of every model alone; the second joins and
 * takes some partitions, answers {@code GET /monitoring/{model}} for a model the first holds (forwarded to it) while it
 * has nothing of that model itself (it does not analyse it), and the two judge step 1 between them; the first is killed with SIGKILL as step 2's traffic arrives. The second takes its
 * partitions over (windows restored from the changelogs) and judges steps 2 and 3 of every model: each step of each model
 * gets exactly one verdict.
 */
class MonitoringReplicasIntegrationTests {

    static final Duration WAIT = Duration.ofSeconds(120);
    static final int PARTITIONS = 3;
    static final int STEPS = 4;
    static final List<String> MODELS = models();
    /** The header that marks a request as forwarded by another replica (web/OwnerForwarding). */
    static final String FORWARDED = "X-Sluice-Forwarded";

    @RegisterExtension
    static SluiceKafka kafka = SluiceKafka.cluster(PARTITIONS); // 3 brokers, 3 partitions, 3 replicas

    private final Random random = new Random(13);
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theSurvivingReplicaJudgesTheModelsOfAKilledOneAndEveryStepGetsOneVerdict() throws Exception {
        int firstPort = freePort();
        int secondPort = freePort();
        Process first = startProcess(Files.createTempDirectory("sluice-test-monitoring-first"), firstPort);
        ConfigurableApplicationContext second = null;
        try {
            step(0);
            awaitVerdicts(0);

            second = new SpringApplicationBuilder(MonitoringServiceApplication.class)
                    .run(arguments(Files.createTempDirectory("sluice-test-monitoring-second"), secondPort).toArray(String[]::new));
            MonitoringStores stores = second.getBean(MonitoringStores.class);
            await().atMost(WAIT).until(() -> {
                long owned = MODELS.stream().filter(stores::owns).count();
                return owned > 0 && owned < MODELS.size();
            });
            String elsewhere = MODELS.stream().filter(m -> stores.owner(m).holder() == MonitoringStores.Holder.ANOTHER_INSTANCE)
                    .findFirst().orElseThrow();
            HttpResponse<String> view = get(secondPort, elsewhere);
            assertThat(view.statusCode()).as(view.body()).isEqualTo(200);
            assertThat(view.body()).as("answered by the replica holding %s, which judged its step 0", elsewhere)
                    .contains("\"model\":\"" + elsewhere + "\"", "\"outcome\":\"HEALTHY\"");

            // the second replica does not analyse what it does not hold: asked itself (a request marked as forwarded is not
            // forwarded again), it has nothing on that model
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                    .until(() -> get(secondPort, elsewhere, FORWARDED).statusCode() == 404);

            step(1);
            awaitVerdicts(1);

            step(2);
            first.destroyForcibly(); // SIGKILL mid-work: no shutdown, no leaving the group; its session times out
            first.waitFor(30, TimeUnit.SECONDS);
            awaitVerdicts(2);
            await().atMost(WAIT).until(() -> MODELS.stream().allMatch(stores::owns));

            step(3);
            awaitVerdicts(3);

            // a few more analysis rounds on the survivor: still one verdict per step and model
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> verdicts().size() == MODELS.size() * STEPS);
            List<SpecificRecord> monitoring = kafka.events(SluiceTopics.MONITORING);
            for (String model : MODELS) {
                assertThat(monitoring).filteredOn(e -> e instanceof CanaryHealthy h && h.getModelName().equals(model))
                        .extracting(e -> ((CanaryHealthy) e).getStepIndex()).as("verdicts of %s", model)
                        .containsExactly(IntStream.range(0, STEPS).boxed().toArray(Integer[]::new));
            }
            assertThat(monitoring).noneMatch(e -> e instanceof CanaryDegraded);
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.close();
            }
        }
    }

    /** Two model names per partition. */
    private static List<String> models() {
        List<String> models = new ArrayList<>();
        for (int i = 0; models.size() < 2 * PARTITIONS; i++) {
            String model = "watched-" + i;
            int partition = Partitions.of(model, PARTITIONS);
            if (models.stream().filter(m -> Partitions.of(m, PARTITIONS) == partition).count() < 2) {
                models.add(model);
            }
        }
        return models;
    }

    /**
     * Every model moves to the step (a new routing revision) and both versions serve 400 healthy requests under it: no
     * errors, latencies 18–22 ms (within the latency tolerance of each other, so each step is decided on any seed).
     */
    private void step(int step) {
        Instant start = Instant.now();
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (String model : MODELS) {
            records.add(record(SluiceTopics.DEPLOYMENT_STATE, model, Events.deploymentState()
                    .setHeader(Events.header().setOccurredAt(start).build()).setModelName(model).setPhase(ReleasePhase.CANARY)
                    .setRevision(step + 1).setStepIndex(step).setRoutes(List.of(new Route("v1", RouteRole.STABLE, 90, uri(model)),
                            new Route("v2", RouteRole.CANARY, 10, uri(model)))).build()));
        }
        for (int i = 0; i < 400; i++) {
            for (String model : MODELS) {
                for (String version : List.of("v1", "v2")) {
                    records.add(record(SluiceTopics.PREDICTIONS, model, served(model, version, step + 1, start.plusMillis(i))));
                }
            }
        }
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            records.forEach(producer::send);
            producer.flush();
        }
    }

    private void awaitVerdicts(int step) {
        await().atMost(WAIT).until(() -> verdicts().stream().filter(h -> h.getStepIndex() == step).map(CanaryHealthy::getModelName)
                .distinct().count() == MODELS.size());
    }

    private static List<CanaryHealthy> verdicts() {
        return kafka.events(SluiceTopics.MONITORING).stream().filter(e -> e instanceof CanaryHealthy).map(e -> (CanaryHealthy) e)
                .filter(h -> MODELS.contains(h.getModelName())).toList();
    }

    private PredictionServed served(String model, String version, long revision, Instant at) {
        return Events.predictionServed().setHeader(Events.header().setOccurredAt(at).build())
                .setRequestId(UUID.randomUUID().toString()).setModelName(model).setModelVersion(version)
                .setRole(version.equals("v1") ? RouteRole.STABLE : RouteRole.CANARY).setOutcome(PredictionOutcome.OK)
                .setRoutingRevision(revision).setLatencyMicros(18_000 + random.nextInt(4_000))
                .setPredictedClass("c" + random.nextInt(3)).setConfidence(0.8 + 0.1 * random.nextDouble())
                .setInputStats(Map.of("mean", 0.4 + 0.05 * random.nextGaussian())).build();
    }

    private static String uri(String model) {
        return "file:/nonexistent/models/" + model + "/";
    }

    private static ProducerRecord<String, byte[]> record(String topic, String key, SpecificRecord event) {
        return new ProducerRecord<>(topic, key, kafka.codec().encode(event));
    }

    private HttpResponse<String> get(int port, String model, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/monitoring/" + model))
                .header("Authorization", "Bearer admin-secret");
        for (String header : headers) {
            request.header(header, "1");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The first replica in a JVM of its own (this test's class path), so it can be killed with SIGKILL. */
    private static Process startProcess(Path dataDir, int port) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:TieredStopAtLevel=1", "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.sluice.events",
                "-cp", System.getProperty("java.class.path"), MonitoringServiceApplication.class.getName()));
        command.addAll(arguments(dataDir, port));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dataDir.resolve("first-replica.log").toFile()).start();
    }

    private static List<String> arguments(Path dataDir, int port) {
        List<String> arguments = new ArrayList<>(kafka.arguments());
        arguments.addAll(List.of("--server.port=" + port, "--sluice.data-dir=" + dataDir, "--sluice.security.admin-token=admin-secret",
                "--sluice.monitoring.window=2s", "--sluice.monitoring.grace=5s", "--sluice.monitoring.analysis-interval=300ms",
                "--sluice.monitoring.inconclusive-every=1h", "--sluice.monitoring.canary.min-step-duration=1s",
                "--sluice.monitoring.production-watch=0s", "--sluice.monitoring.drift.interval=1h",
                "--spring.kafka.streams.properties.commit.interval.ms=200",
                // a killed replica's partitions move after 6 s instead of 45 s
                "--spring.kafka.streams.properties.session.timeout.ms=6000",
                "--spring.kafka.streams.properties.heartbeat.interval.ms=1000"));
        return arguments;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
