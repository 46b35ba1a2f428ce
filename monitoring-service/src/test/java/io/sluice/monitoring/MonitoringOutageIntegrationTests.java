package io.sluice.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.sluice.events.CanaryHealthy;
import io.sluice.events.Events;
import io.sluice.events.PredictionOutcome;
import io.sluice.events.PredictionServed;
import io.sluice.events.Route;
import io.sluice.events.RouteRole;
import io.sluice.events.codec.EventCodec;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.kafka.KafkaClients;
import io.sluice.platform.security.Role;
import io.sluice.platform.testkit.RestartableBroker;
import io.sluice.platform.testkit.RouteWalk;

/**
 * A broker restart in the middle of a canary, in a running service: readiness goes DOWN while the broker is gone and
 * stays DOWN through a 20 s outage; once it is back, readiness is UP again, the Kafka Streams aggregation and the
 * analysis carry on — the canary's next step gets its {@code CanaryHealthy} — and {@code GET /monitoring/{model}}
 * answers, all without restarting the service.
 */
class MonitoringOutageIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String MODEL = "outage";

    private final EventCodec codec = EventCodec.singleObject();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Random random = new Random(13);
    private final List<SpecificRecord> verdicts = new ArrayList<>();

    @Test
    void theCanaryGetsItsNextVerdictAfterABrokerRestartAndReadinessIsDownWhileTheBrokerIsGone() throws Exception {
        String dir = Files.createTempDirectory("sluice-test-monitoring-outage").toString();
        try (RestartableBroker broker = new RestartableBroker(3).start()) {
            broker.createTopics();
            KafkaClients clients = KafkaClients.forBootstrap(broker.bootstrapServers());
            try (ConfigurableApplicationContext service = new SpringApplicationBuilder(MonitoringServiceApplication.class).run(
                    "--spring.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                    "--spring.cloud.stream.kafka.binder.brokers=" + broker.bootstrapServers(),
                    "--sluice.kafka.topics.partitions=3", "--server.port=0", "--sluice.data-dir=" + dir,
                    "--sluice.monitoring.state-dir=" + dir + "/streams", "--sluice.security.keys=" + RouteWalk.keysProperty(),
                    "--sluice.monitoring.window=2s", "--sluice.monitoring.grace=5s", "--sluice.monitoring.analysis-interval=300ms",
                    "--sluice.monitoring.min-samples=100", "--sluice.monitoring.drift.interval=1h",
                    "--sluice.monitoring.canary.min-step-duration=1s", "--spring.kafka.streams.properties.commit.interval.ms=200");
                 KafkaConsumer<String, byte[]> reader = clients.reader("outage-test-verdicts", Map.of())) {
                int port = Integer.parseInt(service.getEnvironment().getProperty("local.server.port"));
                List<TopicPartition> partitions = reader.partitionsFor(SluiceTopics.MONITORING).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                reader.assign(partitions);
                reader.seekToBeginning(partitions);

                play(clients, 0);
                await().atMost(WAIT).until(() -> healthy(reader, 0) && readiness(port) == 200);

                broker.stop();
                await().atMost(WAIT).until(() -> readiness(port) == 503);
                // DOWN for as long as the broker is gone (20 s), not only at the first failed poll
                await().during(Duration.ofSeconds(20)).atMost(Duration.ofSeconds(30)).until(() -> readiness(port) == 503);

                broker.start();
                play(clients, 1);
                await().atMost(WAIT).until(() -> healthy(reader, 1) && readiness(port) == 200);
                HttpResponse<String> view = get(port, "/monitoring/" + MODEL);
                assertThat(view.statusCode()).isEqualTo(200);
                assertThat(view.body()).contains("\"v2\"").contains("\"outcome\":\"HEALTHY\"");
            }
        }
    }

    /** The routing table for the step, then 600 stable and 300 canary requests of it (1 % errors on both sides). */
    private void play(KafkaClients clients, int step) throws Exception {
        try (KafkaProducer<String, byte[]> producer = clients.producer("outage-test")) {
            producer.send(new ProducerRecord<>(SluiceTopics.DEPLOYMENT_STATE, MODEL, codec.encode(Events.deploymentState()
                    .setHeader(Events.header().setOccurredAt(Instant.now()).build()).setModelName(MODEL).setRevision(step + 1)
                    .setRoutes(List.of(new Route("v1", RouteRole.STABLE, 90 - 15 * step, "file:/nonexistent/models/outage/v1/"),
                            new Route("v2", RouteRole.CANARY, 10 + 15 * step, "file:/nonexistent/models/outage/v2/")))
                    .setStepIndex(step).build()))).get();
            for (int i = 0; i < 600; i++) {
                producer.send(new ProducerRecord<>(SluiceTopics.PREDICTIONS, MODEL, codec.encode(served("v1", RouteRole.STABLE, i))));
                if (i % 2 == 0) {
                    producer.send(new ProducerRecord<>(SluiceTopics.PREDICTIONS, MODEL, codec.encode(served("v2", RouteRole.CANARY, i / 2))));
                }
            }
            producer.flush();
        }
    }

    private PredictionServed served(String version, RouteRole role, int i) {
        boolean error = i % 100 == 0;
        return Events.predictionServed().setHeader(Events.header().setOccurredAt(Instant.now()).build())
                .setRequestId(UUID.randomUUID().toString()).setModelName(MODEL).setModelVersion(version).setRole(role)
                .setOutcome(error ? PredictionOutcome.SERVER_ERROR : PredictionOutcome.OK)
                .setLatencyMicros((long) (20_000 * Math.exp(0.4 * random.nextGaussian())))
                .setPredictedClass(error ? null : "c" + random.nextInt(3)).setConfidence(error ? null : 0.8 + 0.1 * random.nextDouble())
                .setInputStats(Map.of("mean", 0.4 + 0.05 * random.nextGaussian())).build();
    }

    private boolean healthy(KafkaConsumer<String, byte[]> reader, int step) {
        reader.poll(Duration.ofMillis(200)).forEach(r -> verdicts.add(codec.decode(r.value())));
        return verdicts.stream().anyMatch(e -> e instanceof CanaryHealthy h && h.getModelName().equals(MODEL)
                && h.getCanaryVersion().equals("v2") && h.getStepIndex() == step);
    }

    private int readiness(int port) throws Exception {
        return get(port, "/actuator/health/readiness").statusCode();
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + RouteWalk.KEYS.get(Role.VIEWER)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
