package io.sluice.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.sluice.platform.testkit.SluiceKafka;

/** Boots the deployment-service against an embedded KRaft broker and checks what operators and Kubernetes probe. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DeploymentServiceIntegrationTests {

    @RegisterExtension
    static SluiceKafka kafka = new SluiceKafka();

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        kafka.register(registry);
        registry.add("sluice.data-dir", () -> System.getProperty("java.io.tmpdir") + "/sluice-test-deployment");
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void reportsLivenessAndReadiness() throws Exception {
        assertThat(get("/actuator/health/liveness")).contains("\"status\":\"UP\"");
        assertThat(get("/actuator/health/readiness")).contains("\"status\":\"UP\"");
    }

    @Test
    void exposesPrometheusMetricsTaggedWithTheService() throws Exception {
        assertThat(get("/actuator/prometheus")).contains("jvm_memory_used_bytes").contains("application=\"deployment-service\"");
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }
}
