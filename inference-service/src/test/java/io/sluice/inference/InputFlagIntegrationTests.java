package io.sluice.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.sluice.events.DeploymentState;
import io.sluice.events.Events;
import io.sluice.events.PredictionOutcome;
import io.sluice.events.PredictionServed;
import io.sluice.events.Route;
import io.sluice.events.RouteRole;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.testkit.SluiceKafka;

/**
 * With {@code sluice.inference.input-guard=flag}, the drift trigger (one request of 1e20 pixels)
 * is answered, but its telemetry is flagged and carries no input statistics, so drift never sees it;
 * non-finite numbers are still refused.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"sluice.inference.input-guard=flag",
        "sluice.inference.max-queue-wait=20s"}) // a shared, often overloaded build machine: not a test of shedding
class InputFlagIntegrationTests {

    @RegisterExtension
    static SluiceKafka kafka = new SluiceKafka();

    static final Path dataDir = tempDir();

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        kafka.register(registry);
        registry.add("sluice.data-dir", dataDir::toString);
    }

    @BeforeAll
    static void serveAModel() throws IOException {
        FileObjectStore store = new FileObjectStore(dataDir.resolve("buckets"));
        URI uri = TestModels.write(store, store.bucket("sluice-local-models"), TestModels.imageCard("flagged", "f1"), 5);
        DeploymentState state = Events.deploymentState().setModelName("flagged").setRevision(3)
                .setRoutes(List.of(new Route("f1", RouteRole.STABLE, 100, uri.toString()))).build();
        kafka.publish(SluiceTopics.DEPLOYMENT_STATE, "flagged", state);
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void servesFarOutOfRangeInputsFlaggedAndWithoutInputStatisticsButStillRefusesNonFiniteOnes() throws Exception {
        awaitReady();
        HttpResponse<String> huge = infer("flag-huge", "1e20");
        assertThat(huge.statusCode()).as(huge.body()).isEqualTo(200);
        assertThat(infer("flag-normal", "0.5").statusCode()).isEqualTo(200);
        HttpResponse<String> overflow = infer("flag-overflow", "3e38");
        assertThat(overflow.statusCode()).as("overflows when normalised, whatever the guard: " + overflow.body()).isEqualTo(400);

        PredictionServed flagged = kafka.await(SluiceTopics.PREDICTIONS, PredictionServed.class,
                e -> e.getRequestId().equals("flag-huge"), Duration.ofSeconds(30));
        assertThat(flagged.getOutcome()).isEqualTo(PredictionOutcome.OK);
        assertThat(flagged.getInputFlag()).isEqualTo("out-of-range");
        assertThat(flagged.getInputStats()).as("kept out of drift statistics").isEmpty();
        assertThat(flagged.getRoutingRevision()).isEqualTo(3);
        PredictionServed normal = kafka.await(SluiceTopics.PREDICTIONS, PredictionServed.class,
                e -> e.getRequestId().equals("flag-normal"), Duration.ofSeconds(30));
        assertThat(normal.getInputFlag()).isNull();
        assertThat(normal.getInputStats()).containsEntry("mean", 0.5);
        PredictionServed refused = kafka.await(SluiceTopics.PREDICTIONS, PredictionServed.class,
                e -> e.getRequestId().equals("flag-overflow"), Duration.ofSeconds(30));
        assertThat(refused.getOutcome()).isEqualTo(PredictionOutcome.CLIENT_ERROR);
        assertThat(refused.getErrorType()).isEqualTo("non-finite");
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (get("/v2/models/flagged/ready").statusCode() != 200) {
            assertThat(System.nanoTime()).as("flagged:f1 ready within 60 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private HttpResponse<String> infer(String requestId, String value) throws Exception {
        String body = "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,1,8,8],\"datatype\":\"FP32\",\"data\":["
                + String.join(",", Collections.nCopies(64, value)) + "]}]}";
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v2/models/flagged/infer"))
                .header("Content-Type", "application/json").header("X-Request-Id", requestId).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("sluice-test-inference-flag-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
