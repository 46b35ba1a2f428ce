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

import io.sluice.platform.security.Role;
import io.sluice.platform.security.RouteRoles;
import io.sluice.platform.testkit.RouteWalk;
import io.sluice.platform.testkit.SluiceKafka;

/** The inference API with client keys configured (as in {@code deploy/}): every route's role, limits, problem details. */
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

    private HttpResponse<String> send(String method, String path, String key, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
