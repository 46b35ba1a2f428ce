package io.sluice.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.sluice.events.DeploymentState;
import io.sluice.events.Events;
import io.sluice.events.PredictionFeedback;
import io.sluice.events.PredictionOutcome;
import io.sluice.events.PredictionServed;
import io.sluice.events.Route;
import io.sluice.events.RouteRole;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.testkit.SluiceKafka;

/**
 * Boots the inference-service against an embedded KRaft broker with tiny model versions in a local
 * models bucket, drives it through its HTTP API and the routing-table topic, and reads its telemetry.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class InferenceServiceIntegrationTests {

    @RegisterExtension
    static SluiceKafka kafka = new SluiceKafka();

    static final Path dataDir = tempDir();
    static Map<String, String> uris = new HashMap<>();

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        kafka.register(registry);
        registry.add("sluice.data-dir", dataDir::toString);
        // the build machine is shared and often overloaded: these tests are not about shedding (BatcherTests are)
        registry.add("sluice.inference.max-queue-wait", () -> "20s");
    }

    @BeforeAll
    static void writeModels() throws IOException {
        FileObjectStore store = new FileObjectStore(dataDir.resolve("buckets"));
        URI bucket = store.bucket("sluice-local-models");
        long seed = 1;
        for (String[] version : new String[][] {{"split", "s1"}, {"split", "s2"}, {"shift", "a1"}, {"shift", "a2"}, {"sticky", "k1"}, {"sticky", "k2"},
                {"shapes", "v1"}, {"broken", "b1"}, {"early", "e1"}, {"attack", "t1"}, {"guarded", "g1"}, {"roll", "r1"}, {"roll", "r2"},
                {"ready", "y1"}, {"ready", "y2"}}) {
            uris.put(version[0] + ":" + version[1],
                    TestModels.write(store, bucket, TestModels.imageCard(version[0], version[1]), seed++).toString());
        }
        for (String version : List.of("p1", "p2")) {
            uris.put("points:" + version, TestModels.write(store, bucket, TestModels.csvCard("points", version), seed++).toString());
        }
        TestModels.tamper(Path.of(URI.create(uris.get("broken:b1"))).resolve("parameters.params"));
        publish("early", 1, route("e1", RouteRole.STABLE, 100)); // on the compacted topic before the service starts
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(8)).build();

    @Test
    void reportsLivenessAndReadiness() throws Exception {
        assertThat(get("/actuator/health/liveness").body()).contains("\"status\":\"UP\"");
        assertThat(get("/actuator/health/readiness").body()).contains("\"status\":\"UP\"");
        assertThat(get("/v2/health/live").statusCode()).isEqualTo(200);
        assertThat(get("/v2").body()).contains("\"name\":\"sluice-inference\"");
    }

    @Test
    void exposesPrometheusMetricsTaggedWithTheService() throws Exception {
        assertThat(get("/actuator/prometheus").body()).contains("jvm_memory_used_bytes").contains("application=\"inference-service\"");
    }

    @Test
    void servesTheRoutingTablePublishedBeforeItStarted() throws Exception {
        awaitReady("early");
        assertThat(version(infer("early", TestModels.inferBody(8, 3), Map.of()))).isEqualTo("e1");
    }

    @Test
    void deadLettersAnUndecodableRoutingRecordAndKeepsApplyingTheTable() throws Exception {
        kafka.publishRaw(SluiceTopics.DEPLOYMENT_STATE, "garbled", "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8));
        publish("garbled", 1); // an entry with no routes yet: applied, nothing to load
        ConsumerRecord<String, byte[]> dead = kafka.awaitRecords(SluiceTopics.DEPLOYMENT_STATE + ".dlt",
                r -> "garbled".equals(r.key()), 1, Duration.ofSeconds(30)).get(0);
        assertThat(SluiceKafka.header(dead, "sluice-dlt-reason")).contains("EventDecodingException");
        awaitBody("/v2/models/garbled", "\"revision\":1");
    }

    @Test
    void splitsTrafficNinetyTenWithinStatisticalTolerance() throws Exception {
        publish("split", 1, route("s1", RouteRole.STABLE, 90), route("s2", RouteRole.CANARY, 10));
        awaitReady("split");
        int requests = 1_000;
        Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                int seed = i;
                calls.add(callers.submit(() -> {
                    HttpResponse<String> response = infer("split", TestModels.inferBody(8, seed), Map.of());
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                    String version = response.headers().firstValue("X-Sluice-Model-Version").orElseThrow();
                    assertThat(response.body()).contains("\"model_version\":\"" + version + "\"");
                    served.computeIfAbsent(version, v -> new AtomicInteger()).incrementAndGet();
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                call.get();
            }
        } finally {
            callers.shutdownNow();
        }
        int canary = served.getOrDefault("s2", new AtomicInteger()).get();
        double sigma = Math.sqrt(requests * 0.1 * 0.9);
        assertThat(served.keySet()).containsOnly("s1", "s2");
        assertThat(served.get("s1").get() + canary).isEqualTo(requests);
        assertThat((double) canary).isBetween(requests * 0.1 - 4 * sigma, requests * 0.1 + 4 * sigma);
    }

    @Test
    void keepsACallerOnOneVersionWithARoutingKey() throws Exception {
        publish("sticky", 1, route("k1", RouteRole.STABLE, 50), route("k2", RouteRole.CANARY, 50));
        awaitReady("sticky");
        Set<String> versionsForOneKey = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            versionsForOneKey.add(version(infer("sticky", TestModels.inferBody(8, i), Map.of("X-Sluice-Routing-Key", "user-42"))));
        }
        Set<String> versionsForManyKeys = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            versionsForManyKeys.add(version(infer("sticky", TestModels.inferBody(8, i), Map.of("X-Sluice-Routing-Key", "user-" + i))));
        }
        assertThat(versionsForOneKey).hasSize(1);
        assertThat(versionsForManyKeys).containsExactlyInAnyOrder("k1", "k2");
    }

    @Test
    void appliesRoutingTableChangesFromTheTopicWithoutRestart() throws Exception {
        publish("shift", 1, route("a1", RouteRole.STABLE, 100), route("a2", RouteRole.CANARY, 0));
        awaitReady("shift");
        awaitBody("/v2/models/shift/versions/a2", "\"state\":\"READY\""); // preloaded before it has any weight
        assertThat(version(infer("shift", TestModels.inferBody(8, 1), Map.of()))).isEqualTo("a1");

        publish("shift", 2, route("a1", RouteRole.STABLE, 0), route("a2", RouteRole.CANARY, 100));
        awaitVersion("shift", "a2");
        publish("shift", 1, route("a1", RouteRole.STABLE, 100), route("a2", RouteRole.CANARY, 0)); // stale revision: ignored
        publish("shift", 3, route("a2", RouteRole.STABLE, 100));
        awaitBody("/v2/models/shift", "\"revision\":3");
        for (int i = 0; i < 20; i++) {
            assertThat(version(infer("shift", TestModels.inferBody(8, i), Map.of()))).isEqualTo("a2");
        }
        assertThat(get("/v2/models/shift").body()).contains("\"versions\":[\"a2\"]")
                .contains("\"retained\":{\"a1\":"); // left the table, still loaded for a rollback
        assertThat(infer("shift", "a1", TestModels.inferBody(8, 1)).statusCode()).isEqualTo(404);
    }

    @Test
    void refusesATamperedArtifactAndSaysWhyItIsNotReady() throws Exception {
        publish("broken", 1, route("b1", RouteRole.STABLE, 100));
        HttpResponse<String> ready = awaitBody("/v2/models/broken/ready", "failed to load");
        assertThat(ready.statusCode()).as("the protocol's 4xx for false").isEqualTo(400);
        assertThat(ready.body()).contains("parameters.params").contains("SHA-256");
        assertThat(get("/v2/models/broken").body()).contains("\"state\":\"FAILED\"");
        assertThat(get("/v2/health/ready").statusCode()).isEqualTo(400);
        assertThat(get("/actuator/health/readiness").body()).contains("OUT_OF_SERVICE");
        HttpResponse<String> refused = infer("broken", TestModels.inferBody(8, 1), Map.of());
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();

        publish("broken", 2); // the version leaves the table: readiness recovers
        awaitBody("/v2/health/ready", "\"ready\":true");
    }

    @Test
    void answersMalformedInputWithClientErrorsAndStaysUp() throws Exception {
        publish("shapes", 1, route("v1", RouteRole.STABLE, 100));
        awaitReady("shapes");
        assertThat(infer("shapes", "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,1,4,4],\"datatype\":\"FP32\",\"data\":[1,2]}]}",
                Map.of()).statusCode()).isEqualTo(400);
        assertThat(infer("shapes", "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,1,8,8],\"datatype\":\"FP32\",\"data\":[1,2]}]}",
                Map.of()).body()).contains("needs 64 values");
        assertThat(infer("shapes", "{\"inputs\":[{\"name\":\"input\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"x\"]}]}",
                Map.of()).statusCode()).isEqualTo(400);
        assertThat(infer("shapes", "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,1,8,8],\"datatype\":\"FP32\",\"data\":\"oops\"}]}",
                Map.of()).statusCode()).isEqualTo(400);
        assertThat(infer("shapes", "{not json", Map.of()).statusCode()).isEqualTo(400);
        assertThat(infer("shapes", "", Map.of()).statusCode()).isEqualTo(400);
        assertThat(upload("shapes", "file", "photo.png", "image/png", "definitely not a png".getBytes()).statusCode()).isEqualTo(400);
        assertThat(upload("shapes", "other", "photo.png", "image/png", TestModels.png(8, 8, 1)).statusCode()).isEqualTo(400);
        assertThat(csv("shapes", "1,2").statusCode()).isEqualTo(400);
        assertThat(infer("no-such-model", TestModels.inferBody(8, 1), Map.of()).statusCode()).isEqualTo(404);
        assertThat(infer("shapes", "v9", TestModels.inferBody(8, 1)).statusCode()).isEqualTo(404);

        assertThat(get("/v2/health/live").statusCode()).isEqualTo(200);
        assertThat(infer("shapes", TestModels.inferBody(8, 2), Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void predictsAnUploadedImageWithLabelAndProbabilities() throws Exception {
        publish("shapes", 1, route("v1", RouteRole.STABLE, 100));
        awaitReady("shapes");
        HttpResponse<String> response = upload("shapes", "file", "photo.png", "image/png", TestModels.png(20, 12, 7));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Sluice-Model-Version")).contains("v1");
        assertThat(response.body()).contains("\"modelVersion\":\"v1\"").contains("\"probabilities\":{\"cross\":")
                .containsPattern("\"label\":\"(cross|dot|line)\"").contains("\"requestId\":");
        String requestId = response.body().replaceAll(".*\"requestId\":\"([^\"]+)\".*", "$1");
        PredictionServed served = kafka.await(SluiceTopics.PREDICTIONS, PredictionServed.class, e -> e.getRequestId().equals(requestId),
                Duration.ofSeconds(30));
        assertThat(served.getInputSize()).as("20 x 12 grayscale pixels as sent, before resizing to 8 x 8").isEqualTo(240);

        HttpResponse<String> metadata = get("/v2/models/shapes");
        assertThat(metadata.body()).contains("\"state\":\"READY\"").contains("\"sizeBytes\":").contains("\"cacheDir\":\"")
                .contains("\"shape\":[-1,1,8,8]");
        assertThat(Files.isDirectory(dataDir.resolve("model-cache").resolve("shapes").resolve("v1"))).isTrue();
    }

    @Test
    void publishesTelemetryForAnsweredAndShadowedRequests() throws Exception {
        publish("points", 1, route("p1", RouteRole.STABLE, 100), route("p2", RouteRole.SHADOW, 0));
        awaitReady("points");
        awaitBody("/v2/models/points/versions/p2", "\"state\":\"READY\"");
        String requestId = "req-" + UUID.randomUUID();
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v2/models/points/predict"))
                .header("Content-Type", "text/csv").header("X-Request-Id", requestId)
                .POST(HttpRequest.BodyPublishers.ofString("y,x\n2.5,-1\n")));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(version(response)).isEqualTo("p1");

        List<PredictionServed> events = kafka.awaitEvents(SluiceTopics.PREDICTIONS, PredictionServed.class,
                e -> e.getRequestId().equals(requestId), 2, Duration.ofSeconds(30));
        PredictionServed stable = events.stream().filter(e -> e.getRole() == RouteRole.STABLE).findFirst().orElseThrow();
        PredictionServed shadow = events.stream().filter(e -> e.getRole() == RouteRole.SHADOW).findFirst().orElseThrow();
        assertThat(stable.getModelVersion()).isEqualTo("p1");
        assertThat(stable.getOutcome()).isEqualTo(PredictionOutcome.OK);
        assertThat(stable.getBatchSize()).isPositive();
        assertThat(stable.getPredictedClass()).isIn("left", "right");
        assertThat(stable.getInputStats()).containsEntry("x", -1.0).containsEntry("y", 2.5).containsKey("mean");
        assertThat(stable.getRoutingRevision()).isEqualTo(1);
        assertThat(stable.getInputSize()).as("two CSV columns").isEqualTo(2);
        assertThat(stable.getInputFlag()).isNull();
        assertThat(stable.getAgreesWithStable()).isNull();
        assertThat(shadow.getModelVersion()).isEqualTo("p2");
        assertThat(shadow.getOutcome()).isEqualTo(PredictionOutcome.OK);
        assertThat(shadow.getRoutingRevision()).isEqualTo(1);
        assertThat(shadow.getAgreesWithStable()).as("shadow compared with the answer on the same request")
                .isEqualTo(shadow.getPredictedClass().equals(stable.getPredictedClass()));
        ConsumerRecord<String, byte[]> record = kafka.awaitRecords(SluiceTopics.PREDICTIONS,
                r -> r.value() != null && new String(r.value(), StandardCharsets.ISO_8859_1).contains(requestId), 1,
                Duration.ofSeconds(10)).get(0);
        assertThat(record.key()).isEqualTo("points");

        HttpResponse<String> feedback = send(HttpRequest.newBuilder(uri("/v2/models/points/feedback"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"requestId\":\"" + requestId + "\",\"trueLabel\":\"left\"}")));
        assertThat(feedback.statusCode()).isEqualTo(202);
        PredictionFeedback truth = kafka.await(SluiceTopics.FEEDBACK, PredictionFeedback.class,
                e -> e.getRequestId().equals(requestId), Duration.ofSeconds(30));
        assertThat(truth.getTrueLabel()).isEqualTo("left");
        assertThat(truth.getModelName()).isEqualTo("points");
        assertThat(kafka.awaitRecords(SluiceTopics.FEEDBACK, r -> r.value() != null
                && new String(r.value(), StandardCharsets.ISO_8859_1).contains(requestId), 1, Duration.ofSeconds(10)).get(0).key())
                .as("keyed by model, like the predictions: both reach the model's monitoring replica").isEqualTo("points");
        assertThat(send(HttpRequest.newBuilder(uri("/v2/models/points/feedback")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"requestId\":\"x\",\"trueLabel\":\"up\"}"))).statusCode()).isEqualTo(400);
    }

    @Test
    void refusesOversizedBatchesAsTheCallersFaultNeverAsARetryableRefusal() throws Exception {
        publish("attack", 1, route("t1", RouteRole.STABLE, 100));
        awaitReady("attack");
        String body = tensorBody(600, 8, "0.5"); // 600 inputs: more than the queue (512) can ever take
        int attacks = 125;
        List<HttpResponse<String>> answers = new ArrayList<>();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < attacks; i++) {
                String id = "attack-" + i;
                calls.add(callers.submit(() -> send(HttpRequest.newBuilder(uri("/v2/models/attack/versions/t1/infer"))
                        .header("Content-Type", "application/json").header("X-Request-Id", id)
                        .POST(HttpRequest.BodyPublishers.ofString(body)))));
            }
            for (Future<HttpResponse<String>> call : calls) {
                answers.add(call.get());
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(413);
            assertThat(answer.headers().firstValue("Retry-After")).as("retrying cannot help").isEmpty();
            assertThat(answer.body()).contains("600 inputs").contains("at most 512");
        });
        List<PredictionServed> telemetry = kafka.awaitEvents(SluiceTopics.PREDICTIONS, PredictionServed.class,
                e -> e.getModelName().equals("attack") && e.getRequestId().startsWith("attack-"), attacks, Duration.ofSeconds(60));
        assertThat(telemetry).hasSize(attacks).allSatisfy(event -> {
            assertThat(event.getOutcome()).isEqualTo(PredictionOutcome.CLIENT_ERROR);
            assertThat(event.getErrorType()).isEqualTo("oversized");
            assertThat(event.getRoutingRevision()).isEqualTo(1);
            assertThat(event.getInputSize()).as("one input of the tensor").isEqualTo(64);
        });
        assertThat(infer("attack", TestModels.inferBody(8, 1), Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void refusesNonFiniteAndFarOutOfRangeInputsBeforeTheyReachTheModelOrTheStatistics() throws Exception {
        publish("guarded", 1, route("g1", RouteRole.STABLE, 100));
        awaitReady("guarded");
        Map<String, String> refused = Map.of(
                "guard-huge", "1e20",      // the drift trigger: far outside pixels in [0,1]
                "guard-overflow", "3e38",  // finite as FP32, infinite once normalised ((x - 0.5) / 0.25)
                "guard-infinite", "1e39"); // beyond FP32: infinity when read
        for (Map.Entry<String, String> input : refused.entrySet()) {
            HttpResponse<String> answer = infer("guarded", tensorBody(1, 8, input.getValue()), Map.of("X-Request-Id", input.getKey()));
            assertThat(answer.statusCode()).as(input + ": " + answer.body()).isEqualTo(400);
        }
        assertThat(infer("guarded", tensorBody(1, 8, "NaN"), Map.of()).statusCode()).isEqualTo(400);
        assertThat(infer("guarded", tensorBody(1, 8, "1.5"), Map.of()).statusCode()).as("within one range-width of [0,1]")
                .isEqualTo(200);

        Map<String, PredictionServed> events = new HashMap<>();
        kafka.awaitEvents(SluiceTopics.PREDICTIONS, PredictionServed.class, e -> refused.containsKey(e.getRequestId()), refused.size(),
                Duration.ofSeconds(30)).forEach(e -> events.put(e.getRequestId(), e));
        assertThat(events.get("guard-huge").getErrorType()).isEqualTo("out-of-range");
        assertThat(events.get("guard-overflow").getErrorType()).isEqualTo("non-finite");
        assertThat(events.get("guard-infinite").getErrorType()).isEqualTo("non-finite");
        assertThat(events.values()).allSatisfy(event -> {
            assertThat(event.getOutcome()).isEqualTo(PredictionOutcome.CLIENT_ERROR);
            assertThat(event.getInputStats()).as("nothing for drift").isEmpty();
            assertThat(event.getPredictedClass()).isNull();
        });
    }

    @Test
    void servesARollbackToThePredecessorAtOnceAfterAPromotion() throws Exception {
        publish("roll", 1, route("r1", RouteRole.STABLE, 100));
        awaitReady("roll");
        publish("roll", 2, route("r1", RouteRole.STABLE, 90), route("r2", RouteRole.CANARY, 10)); // canary
        awaitBody("/v2/models/roll/versions/r2", "\"state\":\"READY\"");
        publish("roll", 3, route("r2", RouteRole.STABLE, 100)); // promoted: the predecessor leaves the table
        awaitBody("/v2/models/roll", "\"revision\":3");
        assertThat(get("/v2/models/roll").body()).contains("\"retained\":{\"r1\":");

        publish("roll", 4, route("r1", RouteRole.STABLE, 100)); // production rolled back to its predecessor
        awaitBody("/v2/models/roll", "\"revision\":4");

        assertThat(get("/v2/models/roll/ready").statusCode()).as("nothing to load").isEqualTo(200);
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> answer = infer("roll", TestModels.inferBody(8, i), Map.of("X-Request-Id", "roll-back-" + i));
            assertThat(version(answer)).isEqualTo("r1");
        }
        List<PredictionServed> served = kafka.awaitEvents(SluiceTopics.PREDICTIONS, PredictionServed.class,
                e -> e.getRequestId().startsWith("roll-back-"), 20, Duration.ofSeconds(30));
        assertThat(served).allSatisfy(event -> {
            assertThat(event.getOutcome()).isEqualTo(PredictionOutcome.OK);
            assertThat(event.getModelVersion()).isEqualTo("r1");
            assertThat(event.getRoutingRevision()).isEqualTo(4);
        });
        assertThat(kafka.events(SluiceTopics.PREDICTIONS)).filteredOn(e -> e instanceof PredictionServed p && p.getModelName().equals("roll"))
                .extracting(e -> ((PredictionServed) e).getOutcome()).containsOnly(PredictionOutcome.OK);
    }

    @Test
    void answersVersionReadinessForEveryVersionTheMetadataListsAsReady() throws Exception {
        publish("ready", 1, route("y1", RouteRole.STABLE, 90), route("y2", RouteRole.CANARY, 10));
        awaitReady("ready");
        awaitBody("/v2/models/ready/versions/y2", "\"state\":\"READY\"");
        for (String version : List.of("y1", "y2")) { // the stable version and the canary
            assertThat(get("/v2/models/ready").body()).contains("\"version\":\"" + version + "\",");
            HttpResponse<String> ready = get("/v2/models/ready/versions/" + version + "/ready");
            assertThat(ready.statusCode()).as(version + ": " + ready.body()).isEqualTo(200);
            assertThat(ready.body()).contains("\"ready\":true").contains("\"version\":\"" + version + "\"");
            assertThat(infer("ready", version, TestModels.inferBody(8, 1)).statusCode()).as(version + " serves").isEqualTo(200);
        }

        HttpResponse<String> unknown = get("/v2/models/ready/versions/y9/ready");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(unknown.body()).contains("has no version 'y9'");

        publish("ready", 2, route("y1", RouteRole.STABLE, 100)); // the canary leaves the table (rolled back)
        awaitBody("/v2/models/ready", "\"revision\":2");
        HttpResponse<String> removed = get("/v2/models/ready/versions/y2/ready");
        assertThat(removed.statusCode()).as("no longer a version of the model: " + removed.body()).isEqualTo(404);
        assertThat(removed.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(get("/v2/models/ready/versions/y1/ready").statusCode()).isEqualTo(200);
    }

    // --- helpers ---

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("sluice-test-inference-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A v2 infer body of {@code rows} [1, side, side] FP32 inputs, every value the given JSON number. */
    private static String tensorBody(int rows, int side, String value) {
        String data = String.join(",", java.util.Collections.nCopies(rows * side * side, value));
        return "{\"inputs\":[{\"name\":\"input\",\"shape\":[" + rows + ",1," + side + "," + side + "],\"datatype\":\"FP32\",\"data\":["
                + data + "]}]}";
    }

    private static Route route(String version, RouteRole role, int weight) {
        return new Route(version, role, weight, uris.get(modelOf(version) + ":" + version));
    }

    private static String modelOf(String version) {
        return uris.keySet().stream().filter(k -> k.endsWith(":" + version)).findFirst().orElseThrow().split(":")[0];
    }

    private static void publish(String model, long revision, Route... routes) {
        DeploymentState state = Events.deploymentState().setModelName(model).setRevision(revision).setRoutes(List.of(routes)).build();
        kafka.publish(SluiceTopics.DEPLOYMENT_STATE, model, state);
    }

    private void awaitReady(String model) throws Exception {
        awaitBody("/v2/models/" + model + "/ready", "\"ready\":true");
    }

    private void awaitVersion(String model, String version) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!version.equals(version(infer(model, TestModels.inferBody(8, 1), Map.of())))) {
            assertThat(System.nanoTime()).as("answers from " + version).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private HttpResponse<String> awaitBody(String path, String expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            HttpResponse<String> response = get(path);
            if (response.body().contains(expected)) {
                return response;
            }
            assertThat(System.nanoTime()).as(path + " never said " + expected + "; last: " + response.body()).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static String version(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.headers().firstValue("X-Sluice-Model-Version").orElseThrow();
    }

    private HttpResponse<String> infer(String model, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/v2/models/" + model + "/infer"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request);
    }

    private HttpResponse<String> infer(String model, String version, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri("/v2/models/" + model + "/versions/" + version + "/infer"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> csv(String model, String row) throws Exception {
        return send(HttpRequest.newBuilder(uri("/v2/models/" + model + "/predict")).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(row)));
    }

    private HttpResponse<String> upload(String model, String part, String fileName, String contentType, byte[] content)
            throws Exception {
        String boundary = "sluice-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part + "\"; filename=\"" + fileName
                + "\"\r\nContent-Type: " + contentType + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(content);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(uri("/v2/models/" + model + "/predict"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
