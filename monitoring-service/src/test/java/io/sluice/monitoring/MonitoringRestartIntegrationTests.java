package io.sluice.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
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

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.sluice.events.CanaryDegraded;
import io.sluice.events.DeploymentState;
import io.sluice.events.DriftDetected;
import io.sluice.events.Events;
import io.sluice.events.PredictionOutcome;
import io.sluice.events.PredictionServed;
import io.sluice.events.ReleasePhase;
import io.sluice.events.RetrainingRequested;
import io.sluice.events.Route;
import io.sluice.events.RouteRole;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.testkit.SluiceKafka;

/**
 * Runs one instance until it has published a canary's verdict, a production verdict and a drift
 * retraining request, stops it, starts a second one on the same broker and state directory, and
 * checks that the second one — while it does publish the verdicts and requests of models new to it —
 * publishes none of the first one's again.
 */
class MonitoringRestartIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @RegisterExtension
    static SluiceKafka kafka = new SluiceKafka();

    @TempDir
    static Path dir;

    private final Random random = new Random(11);

    @Test
    void aRestartedInstanceRepeatsNoVerdictAndRequestsNoRetrainingInsideTheCooldown() throws Exception {
        play("a");
        // the history the second instance reads holds junk too: it is skipped, the history still catches up
        kafka.publishRaw(SluiceTopics.MONITORING, "junk", new byte[] {1, 2, 3});
        kafka.publishRaw(SluiceTopics.DEPLOYMENTS, "junk", "not avro".getBytes());
        try (ConfigurableApplicationContext first = start()) {
            kafka.await(SluiceTopics.MONITORING, CanaryDegraded.class, e -> e.getModelName().equals("canary-a"), WAIT);
            kafka.await(SluiceTopics.MONITORING, CanaryDegraded.class, e -> e.getModelName().equals("prod-a"), WAIT);
            kafka.await(SluiceTopics.TRAINING, RetrainingRequested.class, e -> e.getModelName().equals("drifting-a"), WAIT);
            kafka.await(SluiceTopics.MONITORING, DriftDetected.class, e -> e.getModelName().equals("drifting-a"), WAIT);
        }

        play("b");
        try (ConfigurableApplicationContext second = start()) {
            // the second instance analyses: it publishes for the models it has not judged before ...
            kafka.await(SluiceTopics.MONITORING, CanaryDegraded.class, e -> e.getModelName().equals("canary-b"), WAIT);
            kafka.await(SluiceTopics.MONITORING, CanaryDegraded.class, e -> e.getModelName().equals("prod-b"), WAIT);
            kafka.await(SluiceTopics.TRAINING, RetrainingRequested.class, e -> e.getModelName().equals("drifting-b"), WAIT);
            // ... and goes on for a few more analysis and drift rounds: models played after b's verdicts are judged in
            // later rounds, and a round takes the models in key order (X-a before X-c) and publishes through one producer,
            // so a repeated verdict or request for an a model would be on its topic before the c model's
            play("c");
            kafka.await(SluiceTopics.MONITORING, CanaryDegraded.class, e -> e.getModelName().equals("canary-c"), WAIT);
            kafka.await(SluiceTopics.MONITORING, CanaryDegraded.class, e -> e.getModelName().equals("prod-c"), WAIT);
            kafka.await(SluiceTopics.MONITORING, DriftDetected.class, e -> e.getModelName().equals("drifting-c"), WAIT);
            kafka.await(SluiceTopics.TRAINING, RetrainingRequested.class, e -> e.getModelName().equals("drifting-c"), WAIT);
        }

        // ... and nothing again for those the first one judged (their windows are all still there)
        List<SpecificRecord> monitoring = kafka.events(SluiceTopics.MONITORING);
        assertThat(monitoring).filteredOn(e -> e instanceof CanaryDegraded d && d.getModelName().equals("canary-a")).hasSize(1);
        assertThat(monitoring).filteredOn(e -> e instanceof CanaryDegraded d && d.getModelName().equals("prod-a"))
                .hasSize(1).allSatisfy(e -> assertThat(((CanaryDegraded) e).getStepIndex()).isEqualTo(-1));
        assertThat(monitoring).filteredOn(e -> e instanceof DriftDetected d && d.getModelName().equals("drifting-a")).hasSize(1);
        assertThat(kafka.events(SluiceTopics.TRAINING))
                .filteredOn(e -> e instanceof RetrainingRequested r && r.getModelName().equals("drifting-a")).hasSize(1);
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(MonitoringServiceApplication.class).run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--spring.cloud.stream.kafka.binder.brokers=" + kafka.bootstrapServers(),
                "--sluice.data-dir=" + dir,
                "--sluice.monitoring.state-dir=" + dir.resolve("streams"),
                "--sluice.monitoring.window=2s", "--sluice.monitoring.grace=5s", "--sluice.monitoring.analysis-interval=300ms",
                "--sluice.monitoring.inconclusive-every=1h", "--sluice.monitoring.production-watch=10m",
                "--sluice.monitoring.drift.interval=500ms", "--sluice.monitoring.drift.range=10m", "--sluice.monitoring.drift.min-span=100ms",
                "--spring.kafka.streams.properties.commit.interval.ms=200");
    }

    /**
     * Plays three models with the suffix: canary-X (v2 canary at 5 % errors beside v1 at 1 %),
     * prod-X (v2 promoted over v1, 5 % errors after v1's 1 %) and drifting-X (v1 in production,
     * its input mean four training standard deviations off its model card).
     */
    private void play(String suffix) throws Exception {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        Instant now = Instant.now();
        String canary = "canary-" + suffix;
        records.add(record(SluiceTopics.DEPLOYMENT_STATE, canary, state(canary, now, 0,
                new Route("v1", RouteRole.STABLE, 90, uri(canary)), new Route("v2", RouteRole.CANARY, 10, uri(canary)))));
        for (int i = 0; i < 1500; i++) {
            records.add(record(SluiceTopics.PREDICTIONS, canary, served(canary, "v1", i % 100 == 0, now.plusMillis(i / 2))));
            records.add(record(SluiceTopics.PREDICTIONS, canary, served(canary, "v2", i % 20 == 0, now.plusMillis(i / 2))));
        }

        String prod = "prod-" + suffix;
        Instant promotedAt = now.plusMillis(1000);
        records.add(record(SluiceTopics.DEPLOYMENT_STATE, prod, state(prod, promotedAt, -1, new Route("v2", RouteRole.STABLE, 100, uri(prod)))));
        for (int i = 0; i < 1500; i++) {
            records.add(record(SluiceTopics.PREDICTIONS, prod, served(prod, "v1", i % 100 == 0, promotedAt.minusMillis(1500 - i))));
        }
        records.add(record(SluiceTopics.DEPLOYMENTS, prod, Events.modelPromoted().setHeader(Events.header().setOccurredAt(promotedAt).build())
                .setModelName(prod).setVersion("v2").setPreviousVersion("v1").setActor("system").setReason("healthy").build()));
        for (int i = 0; i < 1500; i++) {
            records.add(record(SluiceTopics.PREDICTIONS, prod, served(prod, "v2", i % 20 == 0, promotedAt.plusMillis(i))));
        }

        String drifting = "drifting-" + suffix;
        Path card = Files.createDirectories(dir.resolve("buckets/sluice-local-models/" + drifting + "/v1"));
        Files.writeString(card.resolve("model-card.json"), """
                {"dataset": {"name": "%s"}, "trainingData": {"features": [{"name": "mean", "mean": 0.0, "std": 0.1}]}}
                """.formatted(drifting), StandardCharsets.UTF_8);
        records.add(record(SluiceTopics.DEPLOYMENT_STATE, drifting, state(drifting, now, -1,
                new Route("v1", RouteRole.STABLE, 100, card.toUri().toString()))));
        for (int i = 0; i < 300; i++) {
            records.add(record(SluiceTopics.PREDICTIONS, drifting, served(drifting, "v1", false, now.plusMillis(i))));
        }

        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            records.forEach(producer::send);
            producer.flush();
        }
    }

    private static DeploymentState state(String model, Instant at, int stepIndex, Route... routes) {
        return Events.deploymentState().setHeader(Events.header().setOccurredAt(at).build()).setModelName(model)
                .setPhase(stepIndex < 0 ? ReleasePhase.PROMOTED : ReleasePhase.CANARY).setRoutes(List.of(routes))
                .setStepIndex(stepIndex).build();
    }

    private static String uri(String model) {
        return "file:/nonexistent/models/" + model + "/";
    }

    private PredictionServed served(String model, String version, boolean error, Instant at) {
        return Events.predictionServed().setHeader(Events.header().setOccurredAt(at).build())
                .setRequestId(UUID.randomUUID().toString()).setModelName(model).setModelVersion(version)
                .setRole(RouteRole.STABLE).setOutcome(error ? PredictionOutcome.SERVER_ERROR : PredictionOutcome.OK)
                .setLatencyMicros((long) (20_000 * Math.exp(0.4 * random.nextGaussian())))
                .setPredictedClass(error ? null : "c" + random.nextInt(3)).setConfidence(error ? null : 0.8 + 0.1 * random.nextDouble())
                .setInputStats(Map.of("mean", 0.4 + 0.05 * random.nextGaussian())).build();
    }

    private static ProducerRecord<String, byte[]> record(String topic, String key, SpecificRecord event) {
        return new ProducerRecord<>(topic, key, kafka.codec().encode(event));
    }
}
