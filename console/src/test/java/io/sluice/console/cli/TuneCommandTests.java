package io.sluice.console.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/** {@code sluice tune} against a local HTTP server standing in for the training service. */
class TuneCommandTests {

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile int status = 202;
    private volatile String reply = "{}";

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " auth=" + exchange.getRequestHeaders().getFirst("Authorization")
                + " body=" + body);
        byte[] out = reply.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", status >= 400 ? "application/problem+json" : "application/json");
        exchange.sendResponseHeaders(status, out.length);
        exchange.getResponseBody().write(out);
        exchange.close();
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void postsTheDatasetWithTheTokenAndReasonAndPrintsTheSearches() {
        reply = "{\"dataset\":\"digits\",\"datasetVersion\":\"9f2c0a7d4b1e77aa\",\"searches\":[{\"model\":\"digits\",\"searchId\":\"digits-tune-0f1e2d3c4b5a\"}]}";

        CliRun run = CliRun.run(Map.of("SLUICE_TOKEN", "s3cret", "SLUICE_TRAINING_URL", url()), "tune", "digits", "--reason", "new data");

        assertThat(run.exitCode).as(run.err()).isZero();
        assertThat(requests).singleElement().asString().startsWith("POST /tuning/digits auth=Bearer s3cret")
                .contains("\"reason\":\"new data\"");
        assertThat(run.out()).contains("tune digits@9f2c0a7d4b1e: accepted").contains("digits: search digits-tune-0f1e2d3c4b5a")
                .contains("sluice events");
    }

    @Test
    void explainsAnUnknownDatasetAndAViewersTokenAndExitsWithOne() {
        status = 404;
        reply = "{\"detail\":\"no ready version of dataset nope under file:/x/datasets/nope/\"}";
        CliRun unknown = CliRun.run(Map.of("SLUICE_TOKEN", "t", "SLUICE_TRAINING_URL", url()), "tune", "nope");
        assertThat(unknown.exitCode).isEqualTo(1);
        assertThat(unknown.err()).contains("tune nope refused: 404").contains("no ready version of dataset nope");

        status = 403;
        reply = "{}";
        CliRun viewer = CliRun.run(Map.of("SLUICE_TOKEN", "t", "SLUICE_TRAINING_URL", url()), "tune", "digits");
        assertThat(viewer.exitCode).isEqualTo(1);
        assertThat(viewer.err()).contains("403 forbidden: tuning needs a writer or admin token");
    }

    @Test
    void needsADataset() {
        CliRun run = CliRun.run(Map.of("SLUICE_TOKEN", "t", "SLUICE_TRAINING_URL", url()), "tune");
        assertThat(run.exitCode).isEqualTo(2);
        assertThat(requests).isEmpty();
    }
}
