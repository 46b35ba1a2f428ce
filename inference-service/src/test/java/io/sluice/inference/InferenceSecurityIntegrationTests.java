package io.sluice.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.sluice.inference.grpc.GrpcServer;
import io.sluice.inference.grpc.v2.GRPCInferenceServiceGrpc;
import io.sluice.inference.grpc.v2.ModelInferRequest;
import io.sluice.inference.grpc.v2.ModelMetadataRequest;
import io.sluice.inference.grpc.v2.ModelReadyRequest;
import io.sluice.inference.grpc.v2.ServerLiveRequest;
import io.sluice.inference.grpc.v2.ServerReadyRequest;
import io.sluice.platform.security.Role;
import io.sluice.platform.security.RouteRoles;
import io.sluice.platform.testkit.RouteWalk;
import io.sluice.platform.testkit.SluiceKafka;

/**
 * The inference API with client keys configured (as in {@code deploy/}): every route's role, limits, problem details; every
 * gRPC call checked by the same keys, roles and per-caller limit.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "sluice.inference.max-request-size=64KB", "sluice.inference.rate-limit-per-second=2"})
class InferenceSecurityIntegrationTests {

    @RegisterExtension
    static SluiceKafka kafka = new SluiceKafka();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        kafka.register(registry);
        String dir = Files.createTempDirectory("sluice-test-inference-security").toString();
        registry.add("sluice.data-dir", () -> dir);
        registry.add("sluice.security.keys", RouteWalk::keysProperty);
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void refusesEveryRouteWithoutAKeyOrWithTooLittleRole(@Autowired ApplicationContext context, @Autowired RouteRoles routes) {
        RouteWalk.assertEveryMappingDeclared(context, routes);
        RouteWalk.assertReadmeTable("inference", routes);
        assertThat(new RouteWalk("http://localhost:" + port).walk(routes)).isEqualTo(3 * (int) routes.routes().stream()
                .filter(r -> r.access() != io.sluice.platform.security.Access.PUBLIC).count());
    }

    @Test
    void keepsHealthOpenForProbes() throws Exception {
        assertThat(send("GET", "/v2/health/live", null, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/actuator/health/liveness", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void countsAChunkedBodyOnTheBytesRead() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v2/models/m/feedback"))
                .header("Authorization", "Bearer " + RouteWalk.KEYS.get(Role.ADMIN)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.SequenceInputStream(
                        new java.io.ByteArrayInputStream("{\"trueLabel\":\"a\",\"requestId\":\"".getBytes()),
                        new java.io.ByteArrayInputStream("x".repeat(120_000).getBytes()))))
                .build(); // no length: chunked, read by the JSON reader until the limit
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    }

    @Test
    void limitsEachCallersRate() throws Exception {
        int limited = 0;
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = send("GET", "/v2/models/nothing", RouteWalk.KEYS.get(Role.CLIENT), null);
            if (response.statusCode() == 429) {
                limited++;
                assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(response.body()).contains("\"status\":429");
            } else {
                assertThat(response.statusCode()).isEqualTo(404);
                assertThat(response.body()).contains("\"status\":404", "\"error\":");
            }
        }
        assertThat(limited).isPositive();
    }

    @Test
    void checksEveryGrpcCallWithTheSameKeysAndRoles(@Autowired GrpcServer grpcServer) {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("localhost", grpcServer.port(), InsecureChannelCredentials.create()).build();
        try {
            ModelMetadataRequest unknown = ModelMetadataRequest.newBuilder().setName("nothing").build();
            assertThat(stub(channel, null).serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).as("open for probes").isTrue();
            assertThat(stub(channel, null).serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
            assertGrpcRefused(() -> stub(channel, null).modelMetadata(unknown), Status.Code.UNAUTHENTICATED, "this needs an API key");
            assertGrpcRefused(() -> stub(channel, "not-a-key").modelMetadata(unknown), Status.Code.UNAUTHENTICATED, "not valid");
            assertGrpcRefused(() -> stub(channel, "not-a-key").serverLive(ServerLiveRequest.getDefaultInstance()),
                    Status.Code.UNAUTHENTICATED, "not valid"); // a credential that proves nobody is refused everywhere, as over HTTP
            assertGrpcRefused(() -> stub(channel, RouteWalk.KEYS.get(Role.VIEWER)).modelInfer(ModelInferRequest.newBuilder()
                    .setModelName("nothing").build()), Status.Code.PERMISSION_DENIED, "this needs an API key");
            Metadata apiKey = new Metadata();
            apiKey.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), RouteWalk.KEYS.get(Role.CLIENT));
            assertGrpcRefused(() -> GRPCInferenceServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(apiKey)).modelMetadata(unknown),
                    Status.Code.NOT_FOUND, "unknown model 'nothing'"); // let in: the model is what is missing
            int limited = 0;
            for (int i = 0; i < 20; i++) { // the same budget as REST: 2 per second per caller
                try {
                    stub(channel, RouteWalk.KEYS.get(Role.WRITER)).modelReady(ModelReadyRequest.newBuilder().setName("nothing").build());
                } catch (StatusRuntimeException e) {
                    if (e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                        limited++;
                        assertThat(e.getTrailers().get(Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER))).isEqualTo("1");
                    } else {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    }
                }
            }
            assertThat(limited).isPositive();
        } finally {
            channel.shutdownNow();
        }
    }

    private static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub(ManagedChannel channel, String key) {
        GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub = GRPCInferenceServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS);
        if (key == null) {
            return stub;
        }
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static void assertGrpcRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Status.Code code, String text) {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(call)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(text);
        });
    }

    private HttpResponse<String> send(String method, String path, String key, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
