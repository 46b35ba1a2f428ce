package io.sluice.console;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Map;
import io.sluice.console.cli.SluiceCli;
import io.sluice.events.EpochMetrics;
import io.sluice.events.EvaluationMetrics;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.sun.net.httpserver.HttpServer;

import io.sluice.events.DatasetReady;
import io.sluice.events.EventHeader;
import io.sluice.events.Events;
import io.sluice.events.ModelApproved;
import io.sluice.events.TrainingCompleted;
import io.sluice.events.TrainingStarted;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.security.Access;
import io.sluice.platform.security.Caller;
import io.sluice.platform.security.Role;
import io.sluice.platform.security.RouteRoles;
import io.sluice.platform.security.SessionTokens;
import io.sluice.platform.testkit.CommandFuzz;
import io.sluice.platform.testkit.RouteWalk;
import io.sluice.platform.testkit.SluiceKafka;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Boots the console against an embedded KRaft broker and reads it as the browser page does: SSE,
 * timelines, models, sign-in, the proxies; and, where Chromium is installed, in a real headless browser.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConsoleIntegrationTests {

    static final String ADMIN_TOKEN = "test-admin-" + UUID.randomUUID();
    static final List<String> deploymentRequests = new CopyOnWriteArrayList<>();
    static final HttpServer deploymentService = fakeDeploymentService();

    @RegisterExtension
    static SluiceKafka kafka = new SluiceKafka();

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        kafka.register(registry);
        registry.add("sluice.data-dir", () -> System.getProperty("java.io.tmpdir") + "/sluice-test-console");
        registry.add("sluice.security.admin-token", () -> ADMIN_TOKEN);
        registry.add("sluice.security.keys", RouteWalk::keysProperty);
        registry.add("sluice.console.deployment-url", () -> "http://127.0.0.1:" + deploymentService.getAddress().getPort());
        registry.add("sluice.console.inference-url", () -> "http://127.0.0.1:" + deploymentService.getAddress().getPort());
        registry.add("sluice.console.evaluation-url", () -> "http://127.0.0.1:" + deploymentService.getAddress().getPort());
        registry.add("sluice.console.inference-api-key", () -> "inference-key");
    }

    /** Stands in for the deployment and inference services: records each request, answers with a fixed JSON. */
    static HttpServer fakeDeploymentService() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                deploymentRequests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                        + exchange.getRequestHeaders().getFirst("Authorization") + " "
                        + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
                        + (exchange.getRequestHeaders().containsKey("X-API-Key") ? " X-API-Key=" + exchange.getRequestHeaders().getFirst("X-API-Key") : ""));
                byte[] body = (exchange.getRequestURI().getPath().startsWith("/v2/")
                        ? "{\"modelVersion\":\"v2\",\"role\":\"CANARY\",\"label\":\"7\",\"probabilities\":{\"7\":0.9,\"1\":0.1}}"
                        : "{\"modelName\":\"digits\",\"phase\":\"STABLE\"}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stopFake() {
        deploymentService.stop(0);
    }

    @LocalServerPort
    int port;

    @Autowired
    SessionTokens sessions;

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void reportsLivenessAndReadiness() throws Exception {
        assertThat(get("/actuator/health/liveness")).contains("\"status\":\"UP\"");
        assertThat(get("/actuator/health/readiness")).contains("\"status\":\"UP\"");
    }

    @Test
    void exposesPrometheusMetricsTaggedWithTheService() throws Exception {
        assertThat(get("/actuator/prometheus")).contains("jvm_memory_used_bytes").contains("application=\"console\"");
    }

    @Test
    void servesThePage() throws Exception {
        assertThat(get("/")).contains("<title>Sluice console</title>").contains("app.js");
        assertThat(get("/app.js")).contains("EventSource");
    }

    @Test
    void streamsNewEventsAsServerSentEventsFilteredByModel() throws Exception {
        String model = "sse-" + UUID.randomUUID();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/events/stream?model=" + model))
                .header("Accept", "text/event-stream").build();
        CompletableFuture<HttpResponse<Stream<String>>> response = http.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        HttpResponse<Stream<String>> stream = response.get(60, TimeUnit.SECONDS);
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");

        kafka.publish(SluiceTopics.TRAINING, "run-x", Events.trainingCompleted().setModelName("someone-else").build());
        kafka.publish(SluiceTopics.TRAINING, "run-1", Events.trainingCompleted().setModelName(model).setModelVersion("v7").build());

        CompletableFuture<String> data = CompletableFuture.supplyAsync(() -> {
            Iterator<String> lines = stream.body().iterator();
            while (lines.hasNext()) {
                String line = lines.next();
                if (line.startsWith("data:")) {
                    return line.substring(5);
                }
            }
            return null;
        });
        JsonNode record = json.readTree(data.get(60, TimeUnit.SECONDS));
        stream.body().close();
        assertThat(record.get("topic").asString()).isEqualTo(SluiceTopics.TRAINING);
        assertThat(record.get("key").asString()).isEqualTo("run-1");
        assertThat(record.at("/event/type").asString()).isEqualTo("TrainingCompleted");
        assertThat(record.at("/event/modelName").asString()).isEqualTo(model);
        assertThat(record.at("/event/modelVersion").asString()).isEqualTo("v7");
    }

    @Test
    void buildsTheTimelineOfARunFromCorrelationAndCausation() throws Exception {
        String run = "flowers@" + UUID.randomUUID();
        EventHeader upload = Events.header().setCorrelationId(run).build();
        DatasetReady ready = Events.datasetReady().setHeader(upload).setDatasetName("flowers").build();
        TrainingStarted started = Events.trainingStarted().setHeader(causedBy(upload)).setDatasetName("flowers").build();
        TrainingCompleted completed = Events.trainingCompleted().setHeader(causedBy(started.getHeader())).build();
        ModelApproved approved = Events.modelApproved().setHeader(causedBy(completed.getHeader())).build();
        // published out of order and once twice: the timeline orders by occurrence and shows each event once
        kafka.publish(SluiceTopics.TRAINING, "r", started);
        kafka.publish(SluiceTopics.DATASETS, "flowers", ready);
        kafka.publish(SluiceTopics.TRAINING, "r", completed);
        kafka.publish(SluiceTopics.EVALUATIONS, "digits", approved);
        kafka.publish(SluiceTopics.EVALUATIONS, "digits", approved);

        JsonNode timeline = await("/api/timeline/" + run, t -> t.isArray() && t.size() >= 4);

        assertThat(timeline.size()).isEqualTo(4);
        assertThat(timeline.valueStream().map(e -> e.at("/event/type").asString()))
                .containsExactly("DatasetReady", "TrainingStarted", "TrainingCompleted", "ModelApproved");
        for (int i = 1; i < 4; i++) {
            assertThat(timeline.get(i).at("/event/header/causationId").asString())
                    .isEqualTo(timeline.get(i - 1).at("/event/header/eventId").asString());
        }
        JsonNode runs = json.readTree(get("/api/runs"));
        assertThat(runs.valueStream().filter(r -> run.equals(r.get("correlationId").asString())).findFirst()).hasValueSatisfying(r -> {
            assertThat(r.get("datasetName").asString()).isEqualTo("flowers");
            assertThat(r.get("events").asInt()).isEqualTo(4);
            assertThat(r.get("lastType").asString()).isEqualTo("ModelApproved");
        });
        assertThat(status("/api/timeline/no-such-run")).isEqualTo(404);
    }

    @Test
    void showsEachModelsRoutingTableVerdictsVersionsAndTrainingCurve() throws Exception {
        String model = "deploy-" + UUID.randomUUID();
        kafka.publish(SluiceTopics.DEPLOYMENT_STATE, model, Events.deploymentState().setModelName(model).setStepIndex(1).build());
        kafka.publish(SluiceTopics.MONITORING, model, Events.canaryHealthy().setModelName(model).build());
        kafka.publish(SluiceTopics.EVALUATIONS, model, Events.modelApproved().setModelName(model).setModelVersion("v2")
                .setConfusionMatrixUri("file:/tmp/cm.png").build());
        kafka.publish(SluiceTopics.PREDICTIONS, model, Events.predictionServed().setModelName(model).setModelVersion("v2").build());
        kafka.publish(SluiceTopics.REGISTRY, model, Events.registryState().setModelName(model).build());
        for (int epoch = 1; epoch <= 3; epoch++) {
            kafka.publish(SluiceTopics.TRAINING, "run-" + model, Events.trainingProgressed().setRunId("run-" + model).setModelName(model)
                    .setMetrics(Events.epoch(epoch, 0.5 + epoch / 10.0)).build());
        }

        JsonNode models = await("/api/models", all -> all.valueStream().anyMatch(m -> model.equals(m.get("modelName").asString())
                && m.get("traffic").has("v2") && !m.get("registry").isNull()));
        JsonNode mine = models.valueStream().filter(m -> model.equals(m.get("modelName").asString())).findFirst().orElseThrow();
        assertThat(mine.at("/deployment/event/stepIndex").asInt()).isEqualTo(1);
        assertThat(mine.at("/deployment/event/routes").valueStream().map(r -> r.get("version").asString() + ":" + r.get("weight").asInt()))
                .containsExactly("v1:90", "v2:10");
        assertThat(mine.at("/verdicts/0/event/type").asString()).isEqualTo("CanaryHealthy");
        assertThat(mine.at("/versions/0/event/confusionMatrixUri").asString()).isEqualTo("file:/tmp/cm.png");
        assertThat(mine.at("/traffic/v2/0/count").asInt()).isEqualTo(1);
        assertThat(mine.at("/registry/event/aliases/0/alias").asString()).isEqualTo("champion");
        assertThat(mine.at("/registry/event/aliases/0/set/actor").asString()).isEqualTo("writer:ops-1");

        String run = "run-" + model; // the approved version above is another run's (Events' default run id)
        JsonNode training = await("/api/training?model=" + model, runs -> runs.valueStream()
                .anyMatch(r -> run.equals(r.get("runId").asString()) && r.get("epochs").size() == 3));
        assertThat(training.valueStream().filter(r -> run.equals(r.get("runId").asString())).findFirst().orElseThrow().get("epochs")
                .valueStream().map(e -> e.get("epoch").asInt())).containsExactly(1, 2, 3);
    }

    @Test
    void letsOnlyAnAdminSteerReleasesThroughTheDeploymentService() throws Exception {
        HttpResponse<String> anonymous = post("/api/deployments/digits/promote", "{}", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(post("/api/session", "{\"token\":\"wrong\"}", null).statusCode()).isEqualTo(401);

        HttpResponse<String> signIn = post("/api/session", "{\"token\":\"" + ADMIN_TOKEN + "\"}", null);
        assertThat(signIn.statusCode()).isEqualTo(200);
        assertThat(signIn.body()).contains("ADMIN");
        String cookie = signIn.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).contains("HttpOnly").doesNotContain(ADMIN_TOKEN);

        HttpResponse<String> promoted = post("/api/deployments/digits/promote", "{\"reason\":\"ship it\"}", cookie.split(";")[0]);

        assertThat(promoted.statusCode()).isEqualTo(200);
        assertThat(promoted.body()).contains("\"phase\":\"STABLE\"");
        String forwarded = deploymentRequests.stream().filter(r -> r.startsWith("POST /deployments/")).reduce((a, b) -> b).orElseThrow();
        assertThat(forwarded).startsWith("POST /deployments/digits/promote Bearer s1.").endsWith(" {\"reason\":\"ship it\"}")
                .doesNotContain(ADMIN_TOKEN); // the signed-in user's session, never the console's admin token
        assertThat(sessions.verify(forwarded.split(" ")[3])).contains(new Caller("admin", Role.ADMIN, "console"));
    }

    @Test
    void forwardsAWritersRegistryCommandToTheEvaluationServiceAsThatWriter() throws Exception {
        HttpResponse<String> signIn = post("/api/session", "{\"token\":\"" + RouteWalk.KEYS.get(Role.WRITER) + "\"}", null);
        String cookie = signIn.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];

        HttpResponse<String> pinned = post("/api/registry/digits/aliases/champion", "{\"version\":\"v1\",\"reason\":\"known good\",\"x\":1}", cookie);
        HttpResponse<String> blocked = post("/api/registry/digits/versions/v2/block", "{\"reason\":\"leaked\"}", cookie);

        assertThat(pinned.statusCode()).isEqualTo(200);
        assertThat(blocked.statusCode()).isEqualTo(200);
        assertThat(post("/api/registry/digits/versions/v2/explode", "{}", cookie).statusCode()).isEqualTo(404);
        List<String> forwarded = deploymentRequests.stream().filter(r -> r.startsWith("POST /models/digits/")).toList();
        assertThat(forwarded).hasSize(2);
        assertThat(forwarded.get(0)).startsWith("POST /models/digits/aliases/champion Bearer s1.")
                .endsWith(" {\"version\":\"v1\",\"reason\":\"known good\"}");
        assertThat(forwarded.get(1)).startsWith("POST /models/digits/versions/v2/block Bearer s1.").endsWith(" {\"reason\":\"leaked\"}");
        assertThat(sessions.verify(forwarded.get(0).split(" ")[3]).orElseThrow().role()).isEqualTo(Role.WRITER);
    }

    @Test
    void forwardsAViewersSessionSoTheyCannotPromoteAndTheAuditNamesThem() throws Exception {
        HttpResponse<String> signIn = post("/api/session", "{\"token\":\"" + RouteWalk.KEYS.get(Role.VIEWER) + "\"}", null);
        String cookie = signIn.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        assertThat(signIn.body()).contains("\"role\":\"VIEWER\"", "\"name\":\"test-viewer\"");
        HttpResponse<String> refused = post("/api/deployments/digits/promote", "{}", cookie);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("\"status\":403", "viewer:test-viewer", "the admin role");
        HttpResponse<String> who = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/session"))
                .header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(who.body()).contains("\"signedIn\":true", "\"role\":\"VIEWER\"");
    }

    @Test
    void walksEveryRouteWithTooLittleRole(@Autowired ApplicationContext context, @Autowired RouteRoles routes) {
        RouteWalk.assertEveryMappingDeclared(context, routes);
        RouteWalk.assertReadmeTable("console", routes);
        assertThat(new RouteWalk("http://localhost:" + port).walk(routes, true)).isPositive(); // reads are public on the local console
    }

    @Test
    void forwardsAPredictionRequestFromAWriterToTheInferenceService() throws Exception {
        String boundary = "test-boundary";
        String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"row.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\n5.1,3.5,1.4,0.2\n\r\n--" + boundary + "--\r\n";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/predict/digits"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary).POST(HttpRequest.BodyPublishers.ofString(multipart));
        assertThat(http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).as("anonymous").isEqualTo(401);

        HttpResponse<String> answer = http.send(request.header("Authorization", "Bearer " + ADMIN_TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(json.readTree(answer.body()).get("label").asString()).isEqualTo("7");
        assertThat(deploymentRequests).filteredOn(r -> r.startsWith("POST /v2/models/digits/predict")).singleElement().asString()
                .contains("filename=\"row.csv\"").contains("5.1,3.5,1.4,0.2").endsWith("X-API-Key=inference-key")
                .doesNotContain(ADMIN_TOKEN);
    }

    @Test
    @EnabledIf("io.sluice.console.Chromium#available")
    void showsLiveEventsInChromiumAndClicksThroughToATimelineAndADeployment() throws Exception {
        Duration wait = Duration.ofSeconds(60);
        String dataset = "tulips-" + UUID.randomUUID().toString().substring(0, 8);
        String model = "model-" + UUID.randomUUID().toString().substring(0, 8);
        try (Chromium chromium = new Chromium()) {
            chromium.navigate("http://localhost:" + port + "/");
            chromium.await("the live stream to connect", "document.getElementById('stream-state').textContent === 'live'", wait);

            EventHeader upload = Events.header().setCorrelationId(dataset + "@v1").build();
            kafka.publish(SluiceTopics.DATASETS, dataset, Events.datasetReady().setHeader(upload).setDatasetName(dataset).build());
            kafka.publish(SluiceTopics.TRAINING, "run-" + dataset, Events.trainingStarted().setDatasetName(dataset).setModelName(model)
                    .setHeader(causedBy(upload)).build());
            kafka.publish(SluiceTopics.DEPLOYMENT_STATE, model, Events.deploymentState().setModelName(model).build());
            kafka.publish(SluiceTopics.MONITORING, model, Events.canaryDegraded().setModelName(model).build());
            kafka.publish(SluiceTopics.REGISTRY, model, Events.registryState().setModelName(model).build());

            String row = "[...document.querySelectorAll('#events tr.record')].find(r => r.textContent.includes('" + dataset + "')"
                    + " && r.dataset.type === 'DatasetReady')";
            chromium.await("the DatasetReady row to arrive live", row, wait);
            chromium.eval(row + ".click()");
            chromium.await("the row's JSON", "[...document.querySelectorAll('#events pre')].some(p => !p.closest('tr').hidden"
                    + " && p.textContent.includes('\"datasetName\": \"" + dataset + "\"'))", wait);
            chromium.eval("[...document.querySelectorAll('#events a')].find(a => a.textContent === '" + dataset + "@v1').click()");
            chromium.await("the run's timeline", "!document.getElementById('runs').hidden"
                    + " && document.getElementById('timeline').innerText.includes('DatasetReady')"
                    + " && document.getElementById('timeline').innerText.includes('caused by DatasetReady')", wait);

            chromium.eval("document.querySelector('#tabs button[data-tab=models]').click()");
            chromium.await("the deployment card", "[...document.querySelectorAll('#model-list .card')].some(c => c.innerText.includes('"
                    + model + "') && c.innerText.includes('CANARY') && c.innerText.includes('10 %'))", wait);
            String card = "[...document.querySelectorAll('#model-list .card')].find(c => c.innerText.includes('" + model + "'))";
            chromium.await("the verdict", card + ".innerText.includes('CanaryDegraded')", wait);
            chromium.eval("[..." + card + ".querySelectorAll('tr.record')].find(r => r.innerText.includes('CanaryDegraded')).click()");
            chromium.await("the verdict's evidence", card + ".innerText.includes('threshold')", wait);
            chromium.await("admin buttons disabled for an anonymous viewer",
                    "[...document.querySelectorAll('#model-list button[data-needs=admin]')].every(b => b.disabled)", wait);
            chromium.await("the registry's pinned alias, its buttons disabled for a viewer", card + ".innerText.includes('champion → v1')"
                    + " && [..." + card + ".querySelectorAll('button[data-needs=writer]')].every(b => b.disabled)", wait);
        }
    }

    /** One run's events as training and evaluation publish them: started, an epoch each, completed, approved. */
    private static void publishRun(String model, String runId, String version, String learningRate, double[] validationAccuracy,
                                   List<List<Long>> confusionMatrix) {
        Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        kafka.publish(SluiceTopics.TRAINING, runId, Events.trainingStarted().setHeader(Events.header().setOccurredAt(start).build())
                .setRunId(runId).setModelName(model).setDatasetVersion("data-" + version)
                .setHyperParameters(Map.of("learningRate", learningRate, "batchSize", "32")).build());
        List<EpochMetrics> history = new ArrayList<>();
        for (int i = 0; i < validationAccuracy.length; i++) {
            double accuracy = validationAccuracy[i];
            EpochMetrics epoch = new EpochMetrics(i + 1, 1.05 - accuracy, accuracy + 0.01, 1 - accuracy, accuracy);
            history.add(epoch);
            kafka.publish(SluiceTopics.TRAINING, runId, Events.trainingProgressed().setRunId(runId).setModelName(model).setMetrics(epoch)
                    .setHeader(Events.header().setOccurredAt(start.plusMillis(i + 1)).build()).build());
        }
        kafka.publish(SluiceTopics.TRAINING, runId, Events.trainingCompleted().setRunId(runId).setModelName(model).setModelVersion(version)
                .setDatasetVersion("data-" + version).setHistory(history).setBestEpoch(history.size())
                .setBestMetrics(history.get(history.size() - 1)).build());
        EvaluationMetrics metrics = EvaluationMetrics.newBuilder(Events.evaluationMetrics()).setClassNames(List.of("cat", "dog")).setConfusionMatrix(confusionMatrix)
                .setAccuracy((confusionMatrix.get(0).get(0) + confusionMatrix.get(1).get(1)) / 20.0).build();
        kafka.publish(SluiceTopics.EVALUATIONS, model, Events.modelApproved().setRunId(runId).setModelName(model).setModelVersion(version)
                .setDatasetVersion("data-" + version).setMetrics(metrics).build());
    }

    @Test
    void comparesTrainingRunsOverHttpAndOnTheCommandLine(@Autowired RouteRoles routes) throws Exception {
        String model = "cmp-" + UUID.randomUUID().toString().substring(0, 8);
        publishRun(model, model + "-a-1", "v1", "0.01", new double[] {0.6, 0.7, 0.8}, List.of(List.of(9L, 1L), List.of(3L, 7L)));
        publishRun(model, model + "-b-1", "v2", "0.001", new double[] {0.7, 0.9}, List.of(List.of(10L, 0L), List.of(1L, 9L)));

        JsonNode runs = await("/api/training/runs?model=" + model, all -> all.size() == 2
                && all.valueStream().allMatch(r -> "APPROVED".equals(r.path("verdict").asString())));
        assertThat(runs.valueStream().map(r -> r.get("runId").asString() + " " + r.get("modelVersion").asString() + " "
                + r.get("datasetVersion").asString() + " " + r.get("testAccuracy").asDouble()))
                .containsExactlyInAnyOrder(model + "-a-1 v1 data-v1 0.8", model + "-b-1 v2 data-v2 0.95");

        JsonNode compared = json.readTree(get("/api/training/compare?ids=" + model + "-b-1," + model + "-a-1"));
        assertThat(compared.valueStream().map(r -> r.get("runId").asString())).containsExactly(model + "-b-1", model + "-a-1");
        assertThat(compared.get(0).at("/parameters/learningRate").asString()).isEqualTo("0.001");
        assertThat(compared.get(1).get("epochs").size()).isEqualTo(3);
        assertThat(compared.get(1).at("/evaluation/confusionMatrix/1/0").asLong()).isEqualTo(3);

        HttpResponse<String> unknown = send("/api/training/compare?ids=" + model + "-a-1,no-such-run", null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(json.readTree(unknown.body()).get("detail").asString()).isEqualTo("no training run no-such-run");
        HttpResponse<String> tooMany = send("/api/training/compare?ids=a,b,c,d,e,f,g", null);
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(json.readTree(tooMany.body()).get("detail").asString()).contains("2 to 6", "not 7");
        assertThat(send("/api/training/compare?ids=" + model + "-a-1", null).statusCode()).as("one run").isEqualTo(400);
        HttpResponse<String> badKey = send("/api/training/compare?ids=a,b", "not-a-key");
        assertThat(badKey.statusCode()).isEqualTo(401);
        assertThat(badKey.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        // viewers only where reads are not public (this console's are: the walk checks they open; a service's walk checks the rest)
        assertThat(routes.routes()).contains(new RouteRoles.Route(HttpMethod.GET, "/api/training/runs", Access.READ),
                new RouteRoles.Route(HttpMethod.GET, "/api/training/compare", Access.READ));

        Map<String, String> env = Map.of("SLUICE_CONSOLE_URL", "http://localhost:" + port, "HOME",
                Files.createTempDirectory("sluice-cli-home").toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(SluiceCli.run(new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8), env, "runs", "--model", model))
                .as(err.toString(UTF_8)).isZero();
        List<String> listed = out.toString(UTF_8).lines().toList();
        assertThat(listed.get(0)).startsWith("RUN").contains("VERSION", "DATASET", "STATUS", "TEST ACC");
        assertThat(listed).hasSize(3).anySatisfy(line -> assertThat(line).startsWith(model + "-a-1").contains("v1", "digits@data-v1",
                "COMPLETED", "APPROVED", "80.0 %")).anySatisfy(line -> assertThat(line).startsWith(model + "-b-1").contains("95.0 %"));

        out.reset();
        assertThat(SluiceCli.run(new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8), env, "runs", "compare",
                model + "-a-1", model + "-b-1")).as(err.toString(UTF_8)).isZero();
        String comparison = out.toString(UTF_8);
        assertThat(comparison).contains("Parameters (* differs)", "Validation curve", "Metrics", "Confusion matrices");
        assertThat(comparison.lines()).anySatisfy(l -> assertThat(l).matches("\\* learningRate +0\\.01 +0\\.001"))
                .anySatisfy(l -> assertThat(l).matches("  batchSize +32 +32"))
                .anySatisfy(l -> assertThat(l).matches("\\* version +v1 +v2"))
                .anySatisfy(l -> assertThat(l).matches("  3 +80\\.0 % / 0\\.200"))
                .anySatisfy(l -> assertThat(l).matches("  test accuracy +80\\.0 % +95\\.0 %"))
                .anySatisfy(l -> assertThat(l).matches("  dog +3 +7 +dog +1 +9")); // the two matrices side by side
        System.out.println(comparison); // what a person sees (surefire keeps it in the report)

        err.reset();
        assertThat(SluiceCli.run(new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8), env, "runs", "compare",
                model + "-a-1", "no-such-run")).isEqualTo(1);
        assertThat(err.toString(UTF_8)).contains("no training run no-such-run");
    }

    @Test
    @EnabledIf("io.sluice.console.Chromium#available")
    void comparesTwoRunsInChromiumWithBothCurvesAndBothConfusionMatrices() throws Exception {
        Duration wait = Duration.ofSeconds(60);
        String model = "shots-" + UUID.randomUUID().toString().substring(0, 8);
        publishRun(model, model + "-a-1", "v1", "0.01", new double[] {0.55, 0.7, 0.78, 0.8}, List.of(List.of(9L, 1L), List.of(3L, 7L)));
        publishRun(model, model + "-b-1", "v2", "0.001", new double[] {0.6, 0.82, 0.9, 0.95}, List.of(List.of(10L, 0L), List.of(1L, 9L)));
        await("/api/training/runs?model=" + model, all -> all.size() == 2 && all.valueStream().allMatch(r -> r.hasNonNull("verdict")));
        try (Chromium chromium = new Chromium()) {
            chromium.navigate("http://localhost:" + port + "/");
            chromium.await("the page's script to run", "document.getElementById('stream-state').textContent === 'live'", wait);
            chromium.eval("document.querySelector('#tabs button[data-tab=training]').click()");
            for (String run : List.of(model + "-a-1", model + "-b-1")) {
                String tick = "document.querySelector('#training-list li[data-run=\"" + run + "\"] input.tick')";
                chromium.await("run " + run + " listed with version and verdict", tick + " && " + tick
                        + ".closest('li').innerText.includes('APPROVED')", wait);
                chromium.eval(tick + ".click()");
            }
            chromium.await("the compare button enabled", "!document.getElementById('compare').disabled", wait);
            chromium.eval("document.getElementById('compare').click()");

            chromium.await("one chart per curve with a line for each run", "(() => { const charts = document.querySelectorAll("
                    + "'#comparison .curves svg.chart'); return charts.length === 2 && [...charts].every(c => [...c.querySelectorAll("
                    + "'polyline')].filter(l => l.getAttribute('points').split(' ').length === 4).length === 2); })()", wait);
            chromium.await("both confusion matrices", "document.querySelectorAll('#comparison table.confusion').length === 2"
                    + " && document.querySelector('#comparison table.confusion[data-run=\"" + model + "-a-1\"]').innerText.includes('dog')", wait);
            chromium.await("the differing learning rate highlighted", "[...document.querySelectorAll('#compare-parameters tr.differs')]"
                    + ".some(r => r.innerText.startsWith('learningRate'))", wait);
            assertThat(chromium.eval("[...document.querySelectorAll('#compare-parameters tr:not(.differs) th')].map(t => t.innerText)")
                    .valueStream().map(JsonNode::asString)).contains("model", "batchSize").doesNotContain("learningRate", "version");
            assertThat(chromium.eval("document.querySelector('#compare-metrics').innerText").asString()).contains("80.0 %", "95.0 %");

            Path shot = chromium.screenshot(Path.of("target", "screenshots", "run-comparison.png"));
            byte[] png = Files.readAllBytes(shot);
            assertThat(png).startsWith(0x89, 'P', 'N', 'G');
            assertThat(png.length).as("a page with charts and tables, not a blank one").isGreaterThan(20_000);
        }
    }

    private static EventHeader causedBy(EventHeader cause) {
        return Events.header().setCorrelationId(cause.getCorrelationId()).setCausationId(cause.getEventId())
                .setOccurredAt(cause.getOccurredAt().plusMillis(5)).build();
    }

    private JsonNode await(String path, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                last = json.readTree(response.body());
                if (done.test(last)) {
                    return last;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting on " + path + "; last: " + last);
    }

    @Test
    void proxiesOrRefusesAThousandFuzzedOperatorCommandsNeverWithA5xx() {
        int before = deploymentRequests.size();

        var statuses = new CommandFuzz("http://localhost:" + port).send("/api/deployments",
                CommandFuzz.requests(1000, List.of("digits"), List.of("promote", "rollback", "pause", "resume")), "Bearer " + RouteWalk.KEYS.get(Role.ADMIN));

        assertThat(statuses).as(CommandFuzz.summary(statuses)).containsKeys(200, 404);
        // what reached the deployment service is one well-formed command each: a known action, a JSON body with a string reason
        assertThat(deploymentRequests.subList(before, deploymentRequests.size())).isNotEmpty().allSatisfy(forwarded ->
                assertThat(forwarded).matches("(?s)POST /deployments/[^/ ]+/(promote|rollback|pause|resume) Bearer \\S+ \\{(\"reason\":\".*\")?}"));
    }

    private HttpResponse<String> post(String path, String body, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String path, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private int status(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }
}
