package io.sluice.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;

import io.sluice.events.DeploymentState;
import io.sluice.events.PredictionOutcome;
import io.sluice.events.PredictionServed;
import io.sluice.events.Events;
import io.sluice.events.Route;
import io.sluice.events.RouteRole;
import io.sluice.inference.domain.ModelLoader;
import io.sluice.inference.grpc.GrpcServer;
import io.sluice.inference.grpc.v2.GRPCInferenceServiceGrpc;
import io.sluice.inference.grpc.v2.InferTensorContents;
import io.sluice.inference.grpc.v2.ModelInferRequest;
import io.sluice.inference.grpc.v2.ModelInferResponse;
import io.sluice.inference.grpc.v2.ModelMetadataRequest;
import io.sluice.inference.grpc.v2.ModelMetadataResponse;
import io.sluice.inference.grpc.v2.ModelReadyRequest;
import io.sluice.inference.grpc.v2.ServerLiveRequest;
import io.sluice.inference.grpc.v2.ServerMetadataRequest;
import io.sluice.inference.grpc.v2.ServerMetadataResponse;
import io.sluice.inference.grpc.v2.ServerReadyRequest;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.testkit.SluiceKafka;

/**
 * Every KServe v2 REST route (and predict/feedback) for every state a version can be in: READY as stable, canary and
 * shadow, loading (held by a loader that waits for the test), failed to load (a tampered artifact), removed from the
 * table but retained for a rollback, and unknown. Readiness is 200 for true and the protocol's 4xx (400) for false;
 * every refusal is a problem detail carrying the protocol's {@code error} field. The gRPC form of the protocol
 * ({@code inference.GRPCInferenceService}) over the same states: readiness flags, metadata, typed and raw inference
 * answering exactly as REST infer does for the same input, and the caller's errors as {@code INVALID_ARGUMENT}.
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

    @Autowired
    GrpcServer grpcServer;

    static ManagedChannel channel;

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
        assertThat(grpc().serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
    }


    // --- the same over gRPC (inference.GRPCInferenceService) ---

    @Test
    @Order(1)
    void grpcReadinessFollowsEveryVersionState() throws Exception {
        settle();
        assertThat(grpc().serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
        assertThat(grpc().serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).as("l1 loading, f1 failed").isFalse();
        assertThat(modelReady("served", "")).isTrue();
        assertThat(modelReady("moved", "")).isTrue();
        assertThat(modelReady("loading", "")).isFalse();
        assertThat(modelReady("failed", "")).isFalse();
        for (String version : List.of("v1", "v2", "v3")) { // stable, canary, shadow
            assertThat(modelReady("served", version)).as(version).isTrue();
        }
        assertThat(modelReady("loading", "l1")).isFalse();
        assertThat(modelReady("failed", "f1")).isFalse();
        assertGrpcStatus(() -> modelReady("moved", "m1"), Status.Code.NOT_FOUND, "has no version 'm1'"); // removed (retained)
        assertGrpcStatus(() -> modelReady("served", "x9"), Status.Code.NOT_FOUND, "has no version 'x9'");
        assertGrpcStatus(() -> modelReady("nope", ""), Status.Code.NOT_FOUND, "unknown model 'nope'");
        ServerMetadataResponse server = grpc().serverMetadata(ServerMetadataRequest.getDefaultInstance());
        assertThat(server.getName()).isEqualTo("sluice-inference");
        assertThat(server.getExtensionsList()).contains("model_repository_metadata");
    }

    @Test
    @Order(1)
    void grpcModelMetadataDescribesTheVersionsAndTheSignature() throws Exception {
        settle();
        ModelMetadataResponse served = grpc().modelMetadata(ModelMetadataRequest.newBuilder().setName("served").build());
        assertThat(served.getVersionsList()).containsExactly("v1", "v2", "v3");
        assertThat(served.getPlatform()).isEqualTo("pytorch_djl");
        assertThat(served.getInputs(0).getShapeList()).containsExactly(-1L, 1L, 8L, 8L);
        assertThat(served.getInputs(0).getDatatype()).isEqualTo("FP32");
        assertThat(served.getOutputsList()).extracting(o -> o.getName() + " " + o.getDatatype() + " " + o.getShapeList())
                .containsExactly("probabilities FP32 [-1, 3]", "label BYTES [-1]");
        assertThat(grpc().modelMetadata(ModelMetadataRequest.newBuilder().setName("served").setVersion("v3").build())
                .getVersionsList()).containsExactly("v3");
        assertThat(grpc().modelMetadata(ModelMetadataRequest.newBuilder().setName("moved").build()).getVersionsList())
                .containsExactly("m2");
        assertThat(grpc().modelMetadata(ModelMetadataRequest.newBuilder().setName("loading").build()).getInputsCount())
                .as("no signature before a version is loaded").isZero();
        assertGrpcStatus(() -> grpc().modelMetadata(ModelMetadataRequest.newBuilder().setName("moved").setVersion("m1").build()),
                Status.Code.NOT_FOUND, "has no version 'm1'");
        assertGrpcStatus(() -> grpc().modelMetadata(ModelMetadataRequest.newBuilder().setName("nope").build()),
                Status.Code.NOT_FOUND, "unknown model 'nope'");
    }

    @Test
    @Order(1)
    void grpcModelInferAnswersAsRestInferDoes() throws Exception {
        settle();
        for (int seed = 0; seed < 4; seed++) {
            String body = TestModels.inferBody(8, seed);
            float[] input = values(body);
            for (String version : List.of("v1", "v2", "v3")) { // pinned: stable, canary, shadow
                HttpResponse<String> rest = infer("/v2/models/served/versions/" + version + "/infer", body);
                assertThat(rest.statusCode()).as(rest.body()).isEqualTo(200);
                ModelInferResponse typed = grpc().modelInfer(typed("served", version, "g-" + seed + version, input));
                ModelInferResponse raw = grpc().modelInfer(raw("served", version, "FP32", floatsLe(input), 1, 1, 8, 8));
                for (ModelInferResponse answer : List.of(typed, raw)) {
                    assertSameAnswer(rest.body(), answer, raw == answer);
                }
                assertThat(typed.getId()).isEqualTo("g-" + seed + version);
            }
            // routed by the same table: a routing key lands on the same version over both protocols
            String key = "caller-" + seed;
            HttpResponse<String> rest = send(HttpRequest.newBuilder(uri("/v2/models/served/infer")).header("Content-Type", "application/json")
                    .header("X-Sluice-Routing-Key", key).POST(HttpRequest.BodyPublishers.ofString(body)));
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("x-sluice-routing-key", Metadata.ASCII_STRING_MARSHALLER), key);
            ModelInferResponse routed = grpc().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .modelInfer(typed("served", "", null, input));
            assertThat(routed.getModelVersion()).isEqualTo(version(rest)).isIn("v1", "v2");
            assertSameAnswer(rest.body(), routed, false);
        }
        PredictionServed telemetry = kafka.await(SluiceTopics.PREDICTIONS, PredictionServed.class,
                e -> e.getRequestId().equals("g-0v1"), Duration.ofSeconds(30));
        assertThat(telemetry.getOutcome()).isEqualTo(PredictionOutcome.OK);
        assertThat(telemetry.getModelVersion()).isEqualTo("v1");
        assertThat(telemetry.getInputSize()).isEqualTo(64);

        assertGrpcStatus(() -> grpc().modelInfer(typed("loading", "", null, values(TestModels.inferBody(8, 1)))),
                Status.Code.UNAVAILABLE, "loading:l1 is loading");
        assertGrpcStatus(() -> grpc().modelInfer(typed("failed", "f1", null, values(TestModels.inferBody(8, 1)))),
                Status.Code.UNAVAILABLE, "failed:f1 failed to load");
        assertGrpcStatus(() -> grpc().modelInfer(typed("moved", "m1", null, values(TestModels.inferBody(8, 1)))),
                Status.Code.NOT_FOUND, "has no version 'm1'");
        assertGrpcStatus(() -> grpc().modelInfer(typed("nope", "", null, values(TestModels.inferBody(8, 1)))),
                Status.Code.NOT_FOUND, "unknown model 'nope'");
    }

    @Test
    @Order(1)
    void grpcRefusesBadTensorsAsTheCallersFault() throws Exception {
        settle();
        float[] input = values(TestModels.inferBody(8, 3));
        // shape judged before the values: none are sent, yet the answer names the shape
        assertGrpcStatus(() -> grpc().modelInfer(raw("served", "v1", "FP32", new byte[0], 600, 1, 8, 8).toBuilder().setId("g-600").build()),
                Status.Code.RESOURCE_EXHAUSTED, "the request holds 600 inputs");
        assertGrpcStatus(() -> grpc().modelInfer(raw("served", "", "FP32", new byte[0], 2, 1, 4, 4).toBuilder().setId("g-shape").build()),
                Status.Code.INVALID_ARGUMENT, "does not fit the model's input [-1, 1, 8, 8]");
        assertGrpcStatus(() -> grpc().modelInfer(raw("served", "", "FP32", new byte[0], 100000, 100000)),
                Status.Code.RESOURCE_EXHAUSTED, "larger than");
        assertGrpcStatus(() -> grpc().modelInfer(raw("served", "v1", "FP32", new byte[10], 1, 1, 8, 8)),
                Status.Code.INVALID_ARGUMENT, "needs 256 bytes of 'raw_input_contents', got 10");
        assertGrpcStatus(() -> grpc().modelInfer(typed("served", "v1", "bad-count", java.util.Arrays.copyOf(input, 63))),
                Status.Code.INVALID_ARGUMENT, "needs 64 values, the fp32_contents of 'contents' has 63");
        float[] nan = input.clone();
        nan[5] = Float.NaN;
        assertGrpcStatus(() -> grpc().modelInfer(typed("served", "v1", "g-nan", nan)), Status.Code.INVALID_ARGUMENT, "");
        assertGrpcStatus(() -> grpc().modelInfer(raw("served", "v1", "FP16", new byte[128], 1, 1, 8, 8).toBuilder()
                .clearRawInputContents().build()), Status.Code.INVALID_ARGUMENT, "FP16 has no typed contents");
        assertGrpcStatus(() -> grpc().modelInfer(raw("served", "v1", "BOOL", new byte[64], 1, 1, 8, 8)),
                Status.Code.INVALID_ARGUMENT, "datatype BOOL is not supported");
        assertGrpcStatus(() -> grpc().modelInfer(typed("served", "v1", null, input).toBuilder()
                .addInputs(typed("served", "v1", null, input).getInputs(0)).build()), Status.Code.INVALID_ARGUMENT, "exactly one tensor");
        assertGrpcStatus(() -> grpc().modelInfer(typed("served", "v1", null, input).toBuilder()
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("logits")).build()),
                Status.Code.INVALID_ARGUMENT, "no output named 'logits'");
        // telemetry as REST records it: refusals once a version is chosen (a body that is not one tensor names none)
        for (String[] refusal : new String[][] {{"g-600", "oversized"}, {"g-shape", "invalid-input"}, {"g-nan", "non-finite"}}) {
            PredictionServed refused = kafka.await(SluiceTopics.PREDICTIONS, PredictionServed.class,
                    e -> e.getRequestId().equals(refusal[0]), Duration.ofSeconds(30));
            assertThat(refused.getOutcome()).isEqualTo(PredictionOutcome.CLIENT_ERROR);
            assertThat(refused.getErrorType()).as(refusal[0]).isEqualTo(refusal[1]);
        }

        // the other raw datatypes read as REST reads them: UINT8 pixels count as 0..255, FP16 as half floats
        byte[] pixels = new byte[64];
        byte[] halves = new byte[128];
        for (int i = 0; i < 64; i++) {
            pixels[i] = (byte) (i * 4);
            short half = half(i * 4 / 255f);
            halves[2 * i] = (byte) half;
            halves[2 * i + 1] = (byte) (half >> 8);
        }
        ModelInferResponse fromPixels = grpc().modelInfer(raw("served", "v1", "UINT8", pixels, 1, 1, 8, 8));
        ModelInferResponse fromHalves = grpc().modelInfer(raw("served", "v1", "FP16", halves, 1, 1, 8, 8));
        assertThat(probabilities(fromPixels, true)).usingComparatorWithPrecision(1e-3f).containsExactly(probabilities(fromHalves, true));
    }

    // --- helpers ---

    private GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub grpc() {
        synchronized (V2RoutesIntegrationTests.class) {
            if (channel == null) {
                channel = Grpc.newChannelBuilderForAddress("localhost", grpcServer.port(), InsecureChannelCredentials.create()).build();
            }
        }
        return GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    @AfterAll
    static void closeChannel() {
        if (channel != null) {
            channel.shutdownNow();
        }
    }

    private boolean modelReady(String model, String version) {
        return grpc().modelReady(ModelReadyRequest.newBuilder().setName(model).setVersion(version).build()).getReady();
    }

    private static void assertGrpcStatus(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Status.Code code, String text) {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(call)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(text);
            if (code == Status.Code.UNAVAILABLE) {
                assertThat(e.getTrailers().get(Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER))).isNotNull();
            }
        });
    }

    /** The values of a REST body's {@code data}. */
    private static float[] values(String body) {
        int start = body.indexOf("\"data\":[") + 8;
        String[] items = body.substring(start, body.indexOf(']', start)).split(",");
        float[] values = new float[items.length];
        for (int i = 0; i < items.length; i++) {
            values[i] = Float.parseFloat(items[i]);
        }
        return values;
    }

    private static ModelInferRequest typed(String model, String version, String id, float[] values) {
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        for (float value : values) {
            contents.addFp32Contents(value);
        }
        ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName(model).setModelVersion(version)
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("input").setDatatype("FP32")
                        .addAllShape(List.of(1L, 1L, 8L, 8L)).setContents(contents));
        return id == null ? request.build() : request.setId(id).build();
    }

    private static ModelInferRequest raw(String model, String version, String datatype, byte[] bytes, long... shape) {
        ModelInferRequest.InferInputTensor.Builder input = ModelInferRequest.InferInputTensor.newBuilder().setName("input")
                .setDatatype(datatype);
        for (long size : shape) {
            input.addShape(size);
        }
        return ModelInferRequest.newBuilder().setModelName(model).setModelVersion(version).addInputs(input)
                .addRawInputContents(ByteString.copyFrom(bytes)).build();
    }

    /** A float in [0, 1] as IEEE 754 half precision (normal numbers and zero; the mantissa truncated). */
    private static short half(float value) {
        if (value == 0) {
            return 0;
        }
        int bits = Float.floatToIntBits(value);
        int exponent = ((bits >>> 23) & 0xFF) - 127 + 15;
        return (short) (exponent << 10 | (bits >>> 13) & 0x3FF);
    }

    private static byte[] floatsLe(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            bytes.putFloat(value);
        }
        return bytes.array();
    }

    private static float[] probabilities(ModelInferResponse answer, boolean raw) {
        assertThat(answer.getOutputs(0).getName()).isEqualTo("probabilities");
        if (!raw) {
            List<Float> typed = answer.getOutputs(0).getContents().getFp32ContentsList();
            float[] values = new float[typed.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = typed.get(i);
            }
            return values;
        }
        ByteBuffer bytes = answer.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[bytes.remaining() / 4];
        for (int i = 0; i < values.length; i++) {
            values[i] = bytes.getFloat();
        }
        return values;
    }

    private static String label(ModelInferResponse answer, boolean raw) {
        assertThat(answer.getOutputs(1).getName()).isEqualTo("label");
        if (!raw) {
            return answer.getOutputs(1).getContents().getBytesContents(0).toStringUtf8();
        }
        ByteBuffer bytes = answer.getRawOutputContents(1).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        byte[] label = new byte[bytes.getInt()];
        bytes.get(label);
        assertThat(bytes.remaining()).isZero();
        return new String(label, StandardCharsets.UTF_8);
    }

    /** A gRPC answer says what the REST answer to the same input says: version, role, probabilities, label, classes. */
    private static void assertSameAnswer(String rest, ModelInferResponse grpc, boolean raw) {
        assertThat(rest).contains("\"model_version\":\"" + grpc.getModelVersion() + "\"")
                .contains("\"role\":\"" + grpc.getParametersOrThrow("role").getStringParam() + "\"")
                .contains("\"class_names\":" + grpc.getParametersOrThrow("class_names").getStringParam());
        assertThat(grpc.getOutputs(0).getShapeList()).containsExactly(1L, 3L);
        String data = rest.substring(rest.indexOf("\"data\":[") + 8, rest.indexOf(']', rest.indexOf("\"data\":[")));
        float[] expected = new float[3];
        String[] items = data.split(",");
        for (int i = 0; i < 3; i++) {
            expected[i] = Float.parseFloat(items[i]);
        }
        // the same version, the same input, each alone in its forward pass
        assertThat(probabilities(grpc, raw)).usingComparatorWithPrecision(1e-6f).containsExactly(expected);
        assertThat(rest).contains("\"data\":[\"" + label(grpc, raw) + "\"]");
    }


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
