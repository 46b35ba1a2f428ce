package io.sluice.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.sluice.events.CanaryDegraded;
import io.sluice.events.CanaryHealthy;
import io.sluice.events.CanaryInconclusive;
import io.sluice.events.CheckDecision;
import io.sluice.events.DeploymentState;
import io.sluice.events.Events;
import io.sluice.events.PredictionOutcome;
import io.sluice.events.PredictionServed;
import io.sluice.events.ReleasePhase;
import io.sluice.events.Route;
import io.sluice.events.RouteRole;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.security.Role;
import io.sluice.platform.security.RouteRoles;
import io.sluice.platform.testkit.RouteWalk;
import io.sluice.platform.testkit.SluiceKafka;

/**
 * Boots the monitoring-service against an embedded KRaft broker with short windows, plays three
 * canaries through Kafka (one degrading from 1 % to 5 % errors, one healthy, one with almost no
 * traffic) and two promotions (a new production version with 5 % errors where its predecessor had
 * 1 %, and a healthy one), and checks the verdicts on {@code sluice.monitoring}, the HTTP view,
 * Prometheus and the dead-lettering of an undecodable record.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "sluice.monitoring.window=2s", "sluice.monitoring.grace=5s", "sluice.monitoring.analysis-interval=300ms",
        "sluice.monitoring.inconclusive-every=3s", "sluice.monitoring.min-samples=100", "sluice.monitoring.drift.interval=1h",
        "sluice.monitoring.production-watch=10m", "sluice.monitoring.canary.min-step-duration=1s",
        "spring.kafka.streams.properties.commit.interval.ms=200"})
class MonitoringServiceIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static Instant promotedAt;

    @RegisterExtension
    static SluiceKafka kafka = new SluiceKafka();

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) throws Exception {
        kafka.register(registry);
        String dir = Files.createTempDirectory("sluice-test-monitoring").toString();
        registry.add("sluice.data-dir", () -> dir);
        registry.add("sluice.monitoring.state-dir", () -> dir + "/streams");
        registry.add("sluice.security.keys", RouteWalk::keysProperty);
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void playTraffic() {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (String model : List.of("degrading", "healthy", "quiet")) {
            records.add(record(SluiceTopics.DEPLOYMENT_STATE, model, release(model)));
        }
        Random random = new Random(7);
        for (int i = 0; i < 3000; i++) {
            for (String model : List.of("degrading", "healthy", "quiet")) {
                records.add(record(SluiceTopics.PREDICTIONS, model, served(model, "v1", RouteRole.STABLE, i % 100 == 0, random)));
            }
            if (i % 2 == 0) {
                int n = i / 2;
                records.add(record(SluiceTopics.PREDICTIONS, "degrading", served("degrading", "v2", RouteRole.CANARY, n % 20 == 0, random)));
                records.add(record(SluiceTopics.PREDICTIONS, "healthy", served("healthy", "v2", RouteRole.CANARY, n % 100 == 0, random)));
            }
            if (i % 300 == 0) {
                records.add(record(SluiceTopics.PREDICTIONS, "quiet", served("quiet", "v2", RouteRole.CANARY, false, random)));
            }
        }
        PredictionServed labelled = served("healthy", "v1", RouteRole.STABLE, false, random);
        records.add(record(SluiceTopics.PREDICTIONS, "healthy", labelled));
        // keyed by request id, as feedback was before it was keyed by model: re-keyed by the topology, still counted once
        records.add(record(SluiceTopics.FEEDBACK, labelled.getRequestId(), Events.predictionFeedback()
                .setHeader(Events.header().setOccurredAt(Instant.now()).build()).setModelName("healthy")
                .setRequestId(labelled.getRequestId()).setTrueLabel(labelled.getPredictedClass()).build()));
        records.add(new ProducerRecord<>(SluiceTopics.PREDICTIONS, "healthy", "not an event".getBytes(StandardCharsets.UTF_8)));
        records.addAll(promotions(random));
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            records.forEach(producer::send);
            producer.flush();
        }
    }

    @Test
    void rollsBackACanaryWhoseErrorRateJumpsFromOneToFivePercent() {
        CanaryDegraded degraded = kafka.await(SluiceTopics.MONITORING, CanaryDegraded.class,
                e -> e.getModelName().equals("degrading"), WAIT);
        assertThat(degraded.getCanaryVersion()).isEqualTo("v2");
        assertThat(degraded.getStableVersion()).isEqualTo("v1");
        assertThat(degraded.getStepIndex()).isEqualTo(0);
        assertThat(degraded.getChecks()).anySatisfy(check -> {
            assertThat(check.getMetric()).isEqualTo("error-rate");
            assertThat(check.getDecision()).isEqualTo(CheckDecision.FAIL);
            assertThat(check.getCandidateValue()).isGreaterThan(0.04);
            assertThat(check.getBaselineValue()).isLessThan(0.02);
            assertThat(check.getCandidateSamples()).isGreaterThanOrEqualTo(100);
            assertThat(check.getStatistic()).isNotNull();
        });
        assertThat(kafka.events(SluiceTopics.MONITORING)).noneMatch(e -> e instanceof CanaryHealthy h
                && h.getModelName().equals("degrading"));
    }

    @Test
    void findsAHealthyCanaryHealthy() {
        CanaryHealthy healthy = kafka.await(SluiceTopics.MONITORING, CanaryHealthy.class, e -> e.getModelName().equals("healthy"), WAIT);
        assertThat(healthy.getCanaryVersion()).isEqualTo("v2");
        assertThat(healthy.getChecks()).filteredOn(c -> List.of("error-rate", "latency-p95", "latency-p99").contains(c.getMetric()))
                .hasSize(3).allSatisfy(c -> assertThat(c.getDecision()).isEqualTo(CheckDecision.PASS));
        assertThat(kafka.events(SluiceTopics.MONITORING)).noneMatch(e -> e instanceof CanaryDegraded d
                && d.getModelName().equals("healthy"));
    }

    @Test
    void holdsACanaryWithAlmostNoTrafficAsInconclusive() {
        CanaryInconclusive held = kafka.await(SluiceTopics.MONITORING, CanaryInconclusive.class,
                e -> e.getModelName().equals("quiet"), WAIT);
        assertThat(held.getReason()).contains("too little traffic");
        assertThat(kafka.events(SluiceTopics.MONITORING)).noneMatch(e -> (e instanceof CanaryHealthy h && h.getModelName().equals("quiet"))
                || (e instanceof CanaryDegraded d && d.getModelName().equals("quiet")));
    }

    @Test
    void reportsAPromotedVersionWorseThanItsPredecessorAsDegradedProduction() {
        CanaryDegraded degraded = kafka.await(SluiceTopics.MONITORING, CanaryDegraded.class,
                e -> e.getModelName().equals("prod-degrading"), WAIT);
        assertThat(degraded.getStepIndex()).isEqualTo(-1);
        assertThat(degraded.getCanaryVersion()).isEqualTo("v2");
        assertThat(degraded.getStableVersion()).isEqualTo("v1");
        assertThat(degraded.getWindow().getStart()).isEqualTo(promotedAt.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(degraded.getChecks()).anySatisfy(check -> {
            assertThat(check.getMetric()).isEqualTo("error-rate");
            assertThat(check.getDecision()).isEqualTo(CheckDecision.FAIL);
            assertThat(check.getCandidateValue()).isGreaterThan(0.04);
            assertThat(check.getBaselineValue()).isLessThan(0.02);
        });
    }

    @Test
    void publishesNothingForAPromotedVersionAsGoodAsItsPredecessor() throws Exception {
        String body = awaitBody("/monitoring/prod-healthy", b -> b.contains("\"productionCheck\"") && b.contains("\"outcome\":\"HEALTHY\""));
        assertThat(body).contains("\"predecessor\":\"v1\"");
        kafka.await(SluiceTopics.MONITORING, CanaryDegraded.class, e -> e.getModelName().equals("prod-degrading"), WAIT);
        assertThat(kafka.events(SluiceTopics.MONITORING)).noneMatch(e -> (e instanceof CanaryDegraded d && d.getModelName().equals("prod-healthy"))
                || (e instanceof CanaryHealthy h && h.getModelName().startsWith("prod-")));
        assertThat(kafka.events(SluiceTopics.MONITORING)).filteredOn(e -> e instanceof CanaryDegraded d
                && d.getModelName().equals("prod-degrading")).hasSize(1);
    }

    @Test
    void showsAggregatesPerVersionAndTheLastVerdict() throws Exception {
        kafka.await(SluiceTopics.MONITORING, CanaryHealthy.class, e -> e.getModelName().equals("healthy"), WAIT);
        String body = awaitBody("/monitoring/healthy", b -> b.contains("\"labelled\":1"));
        assertThat(body).contains("\"v1\"").contains("\"v2\"").contains("\"outcome\":\"HEALTHY\"").contains("latencyP99Ms");
        assertThat(get("/monitoring/unknown-model").statusCode()).isEqualTo(404);
    }

    @Test
    void exportsPerVersionMetricsToPrometheus() throws Exception {
        kafka.await(SluiceTopics.MONITORING, CanaryDegraded.class, e -> e.getModelName().equals("degrading"), WAIT);
        String body = awaitBody("/actuator/prometheus", b -> b.contains("sluice_monitoring_error_rate{"));
        assertThat(body).contains("model=\"degrading\"").contains("role=\"canary\"").contains("application=\"monitoring-service\"");
    }

    @Test
    void deadLettersAnUndecodableRecordAndCarriesOn() throws Exception {
        var dead = kafka.awaitRecords(SluiceTopics.PREDICTIONS + ".dlt", r -> true, 1, WAIT);
        assertThat(SluiceKafka.header(dead.get(0), "sluice-dlt-reason")).isNotBlank();
        assertThat(awaitBody("/actuator/prometheus", b -> b.contains("sluice_monitoring_bad_records_total"))).isNotBlank();
    }

    @Test
    void reportsLivenessAndReadiness() throws Exception {
        assertThat(get("/actuator/health/liveness").body()).contains("\"status\":\"UP\"");
        assertThat(get("/actuator/health/readiness").body()).contains("\"status\":\"UP\"");
    }

    /**
     * For each of "prod-degrading" and "prod-healthy": 1,500 requests of v1 (1 % errors) in the 2 s
     * before v2's promotion, the promotion (ModelPromoted and the routing table with v2 alone), then
     * 1,500 requests of v2 — 5 % errors for prod-degrading, 1 % for prod-healthy.
     */
    private static List<ProducerRecord<String, byte[]>> promotions(Random random) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        Instant base = Instant.now();
        promotedAt = base.minusSeconds(1);
        for (String model : List.of("prod-degrading", "prod-healthy")) {
            records.add(record(SluiceTopics.DEPLOYMENT_STATE, model, Events.deploymentState()
                    .setHeader(Events.header().setOccurredAt(promotedAt).build()).setModelName(model).setRevision(7)
                    .setPhase(ReleasePhase.PROMOTED)
                    .setRoutes(List.of(new Route("v2", RouteRole.STABLE, 100, "file:/nonexistent/models/" + model + "/v2/")))
                    .setStepIndex(-1).build()));
            for (int i = 0; i < 1500; i++) {
                records.add(record(SluiceTopics.PREDICTIONS, model, served(model, "v1", RouteRole.STABLE, i % 100 == 0, random,
                        promotedAt.minusMillis(2000 - i))));
            }
            records.add(record(SluiceTopics.DEPLOYMENTS, model, Events.modelPromoted()
                    .setHeader(Events.header().setOccurredAt(promotedAt).build()).setModelName(model).setVersion("v2")
                    .setPreviousVersion("v1").setActor("system").setReason("healthy at the last step").build()));
            int every = model.equals("prod-degrading") ? 20 : 100;
            for (int i = 0; i < 1500; i++) {
                records.add(record(SluiceTopics.PREDICTIONS, model, served(model, "v2", RouteRole.STABLE, i % every == 0, random,
                        promotedAt.plusMillis(i))));
            }
        }
        return records;
    }

    private static DeploymentState release(String model) {
        return Events.deploymentState().setHeader(Events.header().setOccurredAt(Instant.now()).build()).setModelName(model)
                .setRoutes(List.of(new Route("v1", RouteRole.STABLE, 90, "file:/nonexistent/models/" + model + "/v1/"),
                        new Route("v2", RouteRole.CANARY, 10, "file:/nonexistent/models/" + model + "/v2/")))
                .setStepIndex(0).build();
    }

    private static PredictionServed served(String model, String version, RouteRole role, boolean error, Random random) {
        return served(model, version, role, error, random, Instant.now());
    }

    private static PredictionServed served(String model, String version, RouteRole role, boolean error, Random random, Instant at) {
        return Events.predictionServed().setHeader(Events.header().setOccurredAt(at).build())
                .setRequestId(UUID.randomUUID().toString()).setModelName(model).setModelVersion(version).setRole(role)
                .setOutcome(error ? PredictionOutcome.SERVER_ERROR : PredictionOutcome.OK)
                .setLatencyMicros((long) (20_000 * Math.exp(0.4 * random.nextGaussian())))
                .setPredictedClass(error ? null : "c" + random.nextInt(3)).setConfidence(error ? null : 0.8 + 0.1 * random.nextDouble())
                .setInputStats(Map.of("mean", 0.4 + 0.05 * random.nextGaussian())).build();
    }

    private static ProducerRecord<String, byte[]> record(String topic, String key, SpecificRecord event) {
        return new ProducerRecord<>(topic, key, kafka.codec().encode(event));
    }

    private String awaitBody(String path, java.util.function.Predicate<String> ready) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = get(path);
            body = response.body();
            if (response.statusCode() == 200 && ready.test(body)) {
                return body;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting on " + path + "; last body: " + body);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header("Authorization", "Bearer " + RouteWalk.KEYS.get(Role.VIEWER)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void refusesEveryRouteWithoutACredentialOrWithTooLittleRole(@Autowired ApplicationContext context,
                                                                @Autowired RouteRoles routes) {
        RouteWalk.assertEveryMappingDeclared(context, routes);
        RouteWalk.assertReadmeTable("monitoring", routes);
        assertThat(new RouteWalk("http://localhost:" + port).walk(routes)).isEqualTo(3 * routes.routes().size());
    }
}
