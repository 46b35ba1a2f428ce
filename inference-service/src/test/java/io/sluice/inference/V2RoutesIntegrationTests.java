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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.sluice.events.DeploymentState;
import io.sluice.events.Events;
import io.sluice.events.Route;
import io.sluice.events.RouteRole;
import io.sluice.inference.domain.ModelLoader;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.testkit.SluiceKafka;

/**
 * Every KServe v2 REST route (and predict/feedback) for every state a version can be in: READY as stable, canary and
 * shadow, loading (held by a loader that waits for the test), failed to load (a tampered artifact), removed from the
 * table but retained for a rollback, and unknown. Readiness is 200 for true and the protocol's 4xx (400) for false;
 * every refusal is a problem detail carrying the protocol's {@code error} field.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class V2RoutesIntegrationTests {

    @RegisterExtension
    static SluiceKafka kafka = new SluiceKafka();

    static final Path dataDir = tempDir();
    static final Map<String, String> uris = new HashMap<>();
    /** Holds version l1 of model "loading" in LOADING until the last test opens it. */
    static final CountDownLatch loadingHeld = new CountDownLatch(1);
    static boolean settled;

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        kafka.register(registry);
        registry.add("sluice.data-dir", dataDir::toString);
        registry.add("sluice.inference.max-queue-wait", () -> "20s");
    }

    /** Wraps the service's own loader: l1 waits for the latch, every other version loads as in production. */
    @TestConfiguration(proxyBeanMethods = false)
    static class HeldLoads {
        @Bean
        static BeanPostProcessor holdLoadingVersion() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    if (!(bean instanceof ModelLoader loader)) {
                        return bean;
                    }
                    return (ModelLoader) (model, route) -> {
                        if (route.version().equals("l1")) {
                            loadingHeld.await();
                        }
                        return loader.load(model, route);
                    };
                }
            };
        }
    }

    @BeforeAll
    static void writeModelsAndTables() throws IOException {
        FileObjectStore store = new FileObjectStore(dataDir.resolve("buckets"));
        URI bucket = store.bucket("sluice-local-models");
        long seed = 100;
        for (String[] version : new String[][] {{"served", "v1"}, {"served", "v2"}, {"served", "v3"}, {"loading", "l1"},
                {"failed", "f1"}, {"moved", "m1"}, {"moved", "m2"}}) {
            uris.put(version[1], TestModels.write(store, bucket, TestModels.imageCard(version[0], version[1]), seed++).toString());
        }
        TestModels.tamper(Path.of(URI.create(uris.get("f1"))).resolve("parameters.params"));
        publish("served", 1, route("v1", RouteRole.STABLE, 90), route("v2", RouteRole.CANARY, 10), route("v3", RouteRole.SHADOW, 0));
        publish("loading", 1, route("l1", RouteRole.STABLE, 100));
        publish("failed", 1, route("f1", RouteRole.STABLE, 100));
        publish("moved", 1, route("m1", RouteRole.STABLE, 100));
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    /** Once: every version in its state; m1 promoted away from (removed, retained). */
    private void settle() throws Exception {
        synchronized (V2RoutesIntegrationTests.class) {
            if (settled) {
                return;
            }
            for (String version : List.of("v1", "v2", "v3")) {
                awaitBody("/v2/models/served/versions/" + version, "\"state\":\"READY\"");
            }
            awaitBody("/v2/models/failed/versions/f1", "\"state\":\"FAILED\"");
            awaitBody("/v2/models/moved/versions/m1", "\"state\":\"READY\"");
            publish("moved", 2, route("m2", RouteRole.STABLE, 100)); // promoted: m1 leaves the table, kept for a rollback
            awaitBody("/v2/models/moved/versions/m2", "\"state\":\"READY\"");
            assertThat(get("/v2/models/moved").body()).contains("\"retained\":{\"m1\":");
            assertThat(get("/v2/models/loading/versions/l1").body()).contains("\"state\":\"LOADING\"");
            settled = true;
        }
    }

    @Test
    @Order(1)
    void serverLiveIsTrueWhateverTheVersionsDo() throws Exception {
        settle();
        HttpResponse<String> live = get("/v2/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).contains("\"live\":true");
    }

    @Test
    @Order(1)
    void serverMetadataNamesEveryModelOfTheTable() throws Exception {
        settle();
        HttpResponse<String> server = get("/v2");
        assertThat(server.statusCode()).isEqualTo(200);
        assertThat(server.body()).contains("\"name\":\"sluice-inference\"").contains("\"extensions\":[")
                .contains("\"models\":[\"failed\",\"loading\",\"moved\",\"served\"]");
    }

    @Test
    @Order(1)
    void modelReadyIsTrueOnlyWhenEveryWeightedVersionIsLoaded() throws Exception {
        settle();
        assertReady(get("/v2/models/served/ready"), "served", null); // stable + canary ready; the shadow has no weight
        assertReady(get("/v2/models/moved/ready"), "moved", null); // the successor; the retained predecessor does not count
        assertNotReady(get("/v2/models/loading/ready"), "loading:l1 is loading");
        assertNotReady(get("/v2/models/failed/ready"), "failed:f1 failed to load");
        assertProblem(get("/v2/models/nope/ready"), 404, "unknown model 'nope'");
    }

    @Test
    @Order(1)
    void versionReadyAnswersForEveryVersionState() throws Exception {
        settle();
        assertReady(get("/v2/models/served/versions/v1/ready"), "served", "v1"); // stable
        assertReady(get("/v2/models/served/versions/v2/ready"), "served", "v2"); // canary
        assertReady(get("/v2/models/served/versions/v3/ready"), "served", "v3"); // shadow: loaded, answers pinned calls
        assertReady(get("/v2/models/moved/versions/m2/ready"), "moved", "m2");
        assertNotReady(get("/v2/models/loading/versions/l1/ready"), "loading:l1 is loading");
        assertNotReady(get("/v2/models/failed/versions/f1/ready"), "failed:f1 failed to load");
        assertProblem(get("/v2/models/moved/versions/m1/ready"), 404, "has no version 'm1'"); // removed (retained)
        assertProblem(get("/v2/models/served/versions/x9/ready"), 404, "has no version 'x9'");
        assertProblem(get("/v2/models/nope/versions/v1/ready"), 404, "unknown model 'nope'");
    }

    @Test
    @Order(1)
    void modelMetadataListsEveryVersionWithItsState() throws Exception {
        settle();
        HttpResponse<String> served = get("/v2/models/served");
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).contains("\"versions\":[\"v1\",\"v2\",\"v3\"]").contains("\"platform\":\"pytorch_djl\"")
                .contains("\"shape\":[-1,1,8,8]").contains("\"role\":\"CANARY\"").contains("\"role\":\"SHADOW\"")
                .contains("\"ready\":true").doesNotContain("LOADING");
        HttpResponse<String> loading = get("/v2/models/loading");
        assertThat(loading.statusCode()).as("metadata answers while a version loads").isEqualTo(200);
        assertThat(loading.body()).contains("\"state\":\"LOADING\"").contains("\"ready\":false").contains("is loading");
        HttpResponse<String> failed = get("/v2/models/failed");
        assertThat(failed.statusCode()).isEqualTo(200);
        assertThat(failed.body()).contains("\"state\":\"FAILED\"").contains("SHA-256");
        HttpResponse<String> moved = get("/v2/models/moved");
        assertThat(moved.body()).contains("\"versions\":[\"m2\"]").contains("\"retained\":{\"m1\":");
        assertProblem(get("/v2/models/nope"), 404, "unknown model 'nope'");
    }

    @Test
    @Order(1)
    void versionMetadataAnswersForEveryVersionState() throws Exception {
        settle();
        for (String version : List.of("v1", "v2", "v3")) {
            HttpResponse<String> metadata = get("/v2/models/served/versions/" + version);
            assertThat(metadata.statusCode()).isEqualTo(200);
            assertThat(metadata.body()).contains("\"versions\":[\"" + version + "\"]").contains("\"state\":\"READY\"");
        }
        assertThat(get("/v2/models/loading/versions/l1").body()).contains("\"state\":\"LOADING\"");
        assertThat(get("/v2/models/failed/versions/f1").body()).contains("\"state\":\"FAILED\"");
        assertProblem(get("/v2/models/moved/versions/m1"), 404, "has no version 'm1'");
        assertProblem(get("/v2/models/served/versions/x9"), 404, "has no version 'x9'");
    }

    @Test
    @Order(1)
    void inferIsAnsweredByTheWeightedVersionsOnly() throws Exception {
        settle();
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> answer = infer("/v2/models/served/infer", TestModels.inferBody(8, i));
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.headers().firstValue("X-Sluice-Model-Version")).hasValueSatisfying(v -> assertThat(v).isIn("v1", "v2"));
        }
        assertThat(version(infer("/v2/models/moved/infer", TestModels.inferBody(8, 1)))).isEqualTo("m2");
        assertUnavailable(infer("/v2/models/loading/infer", TestModels.inferBody(8, 1)), "loading:l1 is loading");
        assertUnavailable(infer("/v2/models/failed/infer", TestModels.inferBody(8, 1)), "failed:f1 failed to load");
        assertProblem(infer("/v2/models/nope/infer", TestModels.inferBody(8, 1)), 404, "unknown model 'nope'");
        assertProblem(infer("/v2/models/served/infer", "{not json"), 400, "");
    }

    @Test
    @Order(1)
    void versionedInferAnswersForEveryVersionState() throws Exception {
        settle();
        for (String version : List.of("v1", "v2", "v3")) { // stable, canary, shadow: a pinned call reaches each
            assertThat(version(infer("/v2/models/served/versions/" + version + "/infer", TestModels.inferBody(8, 2)))).isEqualTo(version);
        }
        assertUnavailable(infer("/v2/models/loading/versions/l1/infer", TestModels.inferBody(8, 1)), "loading:l1 is loading");
        assertUnavailable(infer("/v2/models/failed/versions/f1/infer", TestModels.inferBody(8, 1)), "failed:f1 failed to load");
        assertProblem(infer("/v2/models/moved/versions/m1/infer", TestModels.inferBody(8, 1)), 404, "has no version 'm1'");
        assertProblem(infer("/v2/models/served/versions/x9/infer", TestModels.inferBody(8, 1)), 404, "has no version 'x9'");
    }

    @Test
    @Order(1)
    void refusesATensorByItsDeclaredShapeWithoutReadingItsValues() throws Exception {
        settle();
        // values that could never be parsed (and a body cut short): only a reader that stops at the shape answers 413 / 400
        String rest = ",\"datatype\":\"FP32\",\"data\":[\"not a number\",";
        assertProblem(infer("/v2/models/served/versions/v1/infer", "{\"inputs\":[{\"name\":\"input\",\"shape\":[600,1,8,8]" + rest),
                413, "the request holds 600 inputs");
        assertProblem(infer("/v2/models/served/infer", "{\"inputs\":[{\"name\":\"input\",\"shape\":[600,1,8,8]" + rest),
                413, "the request holds 600 inputs");
        assertProblem(infer("/v2/models/served/infer", "{\"inputs\":[{\"name\":\"input\",\"shape\":[2,1,4,4]" + rest),
                400, "does not fit the model's input [-1, 1, 8, 8]");
        assertProblem(infer("/v2/models/served/infer", "{\"inputs\":[{\"name\":\"input\",\"shape\":[100000,100000]" + rest),
                413, "larger than");
    }

    @Test
    @Order(1)
    void predictAndFeedbackFollowTheSameStates() throws Exception {
        settle();
        byte[] png = TestModels.png(8, 8, 3);
        assertThat(upload("/v2/models/served/predict", png).body()).contains("\"modelVersion\":\"v");
        assertThat(version(upload("/v2/models/served/versions/v3/predict", png))).isEqualTo("v3");
        assertUnavailable(upload("/v2/models/loading/predict", png), "loading:l1 is loading");
        assertUnavailable(upload("/v2/models/failed/versions/f1/predict", png), "failed:f1 failed to load");
        assertProblem(upload("/v2/models/moved/versions/m1/predict", png), 404, "has no version 'm1'");
        assertProblem(upload("/v2/models/nope/predict", png), 404, "unknown model 'nope'");

        assertThat(feedback("served", "dot").statusCode()).isEqualTo(202);
        assertProblem(feedback("served", "square"), 400, "is not a class of served");
        assertThat(feedback("loading", "dot").statusCode()).as("feedback needs no loaded version").isEqualTo(202);
        assertProblem(feedback("nope", "dot"), 404, "unknown model 'nope'");
    }

    @Test
    @Order(2)
    void serverReadyIsTrueOnlyWhenEveryWeightedVersionOfEveryModelIsLoaded() throws Exception {
        settle();
        HttpResponse<String> notReady = get("/v2/health/ready");
        assertNotReady(notReady, "loading:l1 is loading");
        assertThat(notReady.body()).contains("failed:f1 failed to load").contains("\"reasons\":[");

        loadingHeld.countDown(); // l1 finishes loading
        awaitBody("/v2/models/loading/versions/l1", "\"state\":\"READY\"");
        assertReady(get("/v2/models/loading/versions/l1/ready"), "loading", "l1");
        assertThat(version(infer("/v2/models/loading/versions/l1/infer", TestModels.inferBody(8, 1)))).isEqualTo("l1");
        HttpResponse<String> stillFailed = get("/v2/health/ready");
        assertNotReady(stillFailed, "failed:f1 failed to load");
        assertThat(stillFailed.body()).doesNotContain("is loading");

        publish("failed", 2); // the failed version leaves the table
        HttpResponse<String> ready = awaitBody("/v2/health/ready", "\"ready\":true");
        assertThat(ready.statusCode()).isEqualTo(200);
    }

    // --- helpers ---

    private static void assertReady(HttpResponse<String> response, String model, String version) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"ready\":true").contains("\"name\":\"" + model + "\"");
        if (version != null) {
            assertThat(response.body()).contains("\"version\":\"" + version + "\"");
        }
    }

    /** False readiness: the protocol's 4xx, a problem detail with {@code ready: false} and the reason as {@code error}. */
    private static void assertNotReady(HttpResponse<String> response, String reason) {
        assertProblem(response, 400, reason);
        assertThat(response.body()).contains("\"ready\":false");
    }

    /** Inference on a version that is not ready: retryable 503 with Retry-After, the reason as {@code error}. */
    private static void assertUnavailable(HttpResponse<String> response, String reason) {
        assertProblem(response, 503, reason);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
    }

    private static void assertProblem(HttpResponse<String> response, int status, String text) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.body()).contains("\"status\":" + status).contains("\"error\":\"").contains(text);
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("sluice-test-v2-routes-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Route route(String version, RouteRole role, int weight) {
        return new Route(version, role, weight, uris.get(version));
    }

    private static void publish(String model, long revision, Route... routes) {
        DeploymentState state = Events.deploymentState().setModelName(model).setRevision(revision).setRoutes(List.of(routes)).build();
        kafka.publish(SluiceTopics.DEPLOYMENT_STATE, model, state);
    }

    private HttpResponse<String> awaitBody(String path, String expected) {
        return Awaitility.await(path + " says " + expected).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> get(path), response -> response.body().contains(expected));
    }

    private static String version(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.headers().firstValue("X-Sluice-Model-Version").orElseThrow();
    }

    private HttpResponse<String> infer(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> feedback(String model, String label) throws Exception {
        return infer("/v2/models/" + model + "/feedback", "{\"requestId\":\"r-1\",\"trueLabel\":\"" + label + "\"}");
    }

    private HttpResponse<String> upload(String path, byte[] png) throws Exception {
        String boundary = "sluice-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.png\"\r\nContent-Type: image/png\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.write(png);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "multipart/form-data; boundary=" + boundary)
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
