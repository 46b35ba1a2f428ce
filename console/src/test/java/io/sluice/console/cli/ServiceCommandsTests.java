package io.sluice.console.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * {@code sluice promote|rollback|pause|resume}, {@code status} and {@code predict} against a local
 * HTTP server standing in for the deployment and inference services.
 */
class ServiceCommandsTests {

    @TempDir
    Path temp;

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
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
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.ISO_8859_1);
        requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " auth=" + exchange.getRequestHeaders().getFirst("Authorization")
                + " type=" + exchange.getRequestHeaders().getFirst("Content-Type") + " body=" + body);
        byte[] out = reply.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, out.length);
        exchange.getResponseBody().write(out);
        exchange.close();
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void promoteSendsTheAdminTokenFromTheDataDirAndTheReason() throws Exception {
        Files.writeString(temp.resolve("admin-token"), "s3cret\n");
        reply = "{\"modelName\":\"digits\",\"phase\":\"STABLE\",\"stepIndex\":3}";

        CliRun run = CliRun.run(Map.of("SLUICE_DATA_DIR", temp.toString(), "SLUICE_DEPLOYMENT_URL", url()),
                "promote", "digits", "--reason", "looks good");

        assertThat(run.exitCode).as(run.err()).isZero();
        assertThat(requests).singleElement().asString()
                .startsWith("POST /deployments/digits/promote auth=Bearer s3cret type=application/json")
                .contains("\"reason\":\"looks good\"");
        assertThat(run.out()).contains("promote digits: accepted").contains("phase STABLE");
    }

    @Test
    void eachReleaseActionPostsToItsOwnPathWithTheTokenFromTheEnvironment() {
        for (String action : List.of("rollback", "pause", "resume")) {
            CliRun run = CliRun.run(Map.of("SLUICE_TOKEN", "tok", "SLUICE_DEPLOYMENT_URL", url()), action, "digits");
            assertThat(run.exitCode).as(run.err()).isZero();
        }
        assertThat(requests).extracting(r -> r.substring(0, r.indexOf(" type=")))
                .containsExactly("POST /deployments/digits/rollback auth=Bearer tok", "POST /deployments/digits/pause auth=Bearer tok",
                        "POST /deployments/digits/resume auth=Bearer tok");
    }

    @Test
    void explainsARefusalAndExitsWithOne() {
        status = 401;
        reply = "{\"message\":\"bad token\"}";
        CliRun unauthorized = CliRun.run(Map.of("SLUICE_TOKEN", "nope", "SLUICE_DEPLOYMENT_URL", url()), "pause", "digits");
        assertThat(unauthorized.exitCode).isEqualTo(1);
        assertThat(unauthorized.err()).contains("pause digits refused: 401 not signed in");

        status = 409;
        reply = "{\"message\":\"digits has no canary to promote\"}";
        CliRun conflict = CliRun.run(Map.of("SLUICE_TOKEN", "t", "SLUICE_DEPLOYMENT_URL", url()), "promote", "digits");
        assertThat(conflict.exitCode).isEqualTo(1);
        assertThat(conflict.err()).contains("409 digits has no canary to promote");
    }

    @Test
    void saysHowToGetATokenWhenThereIsNone() {
        CliRun run = CliRun.run(Map.of("SLUICE_DATA_DIR", temp.toString(), "SLUICE_DEPLOYMENT_URL", url()), "promote", "digits");
        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.err()).contains("no admin token: set SLUICE_TOKEN");
        assertThat(requests).isEmpty();
    }

    @Test
    void saysWhenTheServiceCannotBeReached() {
        int port = server.getAddress().getPort();
        server.stop(0);
        CliRun run = CliRun.run(Map.of("SLUICE_TOKEN", "t", "SLUICE_DEPLOYMENT_URL", "http://127.0.0.1:" + port), "resume", "digits");
        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.err()).contains("cannot connect to http://127.0.0.1:" + port).contains("./sluice up");
    }

    @Test
    void statusPrintsEveryModelsRoutesAndStep() {
        reply = """
                {"deployments":[{"modelName":"digits","revision":4,"phase":"CANARY","stepIndex":1,"steps":[10,25,50,100],"paused":true,
                  "routes":[{"version":"v1","role":"STABLE","weight":75},{"version":"v2","role":"CANARY","weight":25}],
                  "lastVerdict":{"outcome":"HEALTHY","canaryVersion":"v2","stepIndex":0,"samples":412,"reason":"error rate within bounds"}},
                 {"modelName":"iris","phase":"PROMOTED","stepIndex":-1,"steps":[],"routes":[{"version":"v3","role":"STABLE","weight":100}]}]}""";

        CliRun run = CliRun.run(Map.of("SLUICE_DEPLOYMENT_URL", url(), "SLUICE_TOKEN", "viewer-tok"), "status", "--kafka", "127.0.0.1:1",
                "--host", "127.0.0.1");

        assertThat(requests).singleElement().asString().startsWith("GET /deployments auth=Bearer viewer-tok");
        assertThat(run.out()).contains("kafka").contains("DOWN").contains("deployment");
        assertThat(run.out()).containsPattern("digits\\s+CANARY \\(paused\\)\\s+2/4\\s+v1 STABLE 75%, v2 CANARY 25%");
        assertThat(run.out()).containsPattern("iris\\s+PROMOTED\\s+-\\s+v3 STABLE 100%");
        assertThat(run.out()).contains("last verdict on digits: HEALTHY for v2 at step 0 (412 samples): error rate within bounds");
        assertThat(run.exitCode).as("something is down").isEqualTo(1);
    }

    @Test
    void predictUploadsTheFileAndPrintsLabelVersionAndProbabilities() throws Exception {
        Path image = Files.write(temp.resolve("seven.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        reply = """
                {"requestId":"r-1","modelName":"digits","modelVersion":"v2","role":"CANARY","label":"7",
                 "probabilities":{"1":0.05,"7":0.9,"9":0.05}}""";

        CliRun run = CliRun.run(Map.of("SLUICE_INFERENCE_URL", url()), "predict", "digits", image.toString());

        assertThat(run.exitCode).as(run.err()).isZero();
        assertThat(requests).singleElement().asString().startsWith("POST /v2/models/digits/predict")
                .contains("type=multipart/form-data; boundary=").contains("name=\"file\"; filename=\"seven.png\"").contains("\u0089PNG");
        assertThat(run.out()).contains("label:   7 (0.900)").contains("version: v2 (canary)").contains("request: r-1");
        assertThat(run.out().lines().filter(l -> l.startsWith("  ")).toList()).first().asString().startsWith("  7 ");
    }

    @Test
    void predictSendsACsvRowAndNeedsEitherAFileOrARow() throws Exception {
        reply = """
                {"requestId":"r-2","model":"iris","modelVersion":"v1","role":"STABLE","label":"setosa","confidence":0.97,
                 "probabilities":{"setosa":0.97,"versicolor":0.02,"virginica":0.01}}""";

        CliRun run = CliRun.run(Map.of("SLUICE_INFERENCE_URL", url()), "predict", "iris", "--row", "5.1,3.5,1.4,0.2");

        assertThat(run.exitCode).as(run.err()).isZero();
        assertThat(requests).singleElement().asString().startsWith("POST /v2/models/iris/predict")
                .contains("type=text/csv").endsWith("body=5.1,3.5,1.4,0.2");
        assertThat(run.out()).contains("label:   setosa (0.970)").contains("version: v1 (stable)");
        assertThat(run.out().lines().filter(l -> l.startsWith("  ")).map(String::strip).toList())
                .containsExactly("setosa               0.9700", "versicolor           0.0200", "virginica            0.0100");

        Path image = Files.write(temp.resolve("x.png"), new byte[] {1});
        CliRun both = CliRun.run(Map.of("SLUICE_INFERENCE_URL", url()), "predict", "iris", image.toString(), "--row", "1,2");
        CliRun neither = CliRun.run(Map.of("SLUICE_INFERENCE_URL", url()), "predict", "iris");
        assertThat(both.exitCode).isEqualTo(2);
        assertThat(neither.exitCode).isEqualTo(2);
        assertThat(neither.err()).contains("give either FILE or --row CSV");
        assertThat(requests).hasSize(1);
    }

    @Test
    void modelsCommandsPostEachRegistryChangeWithTheTokenAndReason() {
        Map<String, String> env = Map.of("SLUICE_TOKEN", "w-token", "SLUICE_EVALUATION_URL", url());
        reply = "{\"commandId\":\"c-1\",\"message\":\"champion → v1\"}";

        CliRun set = CliRun.run(env, "models", "alias", "set", "digits", "champion", "v1", "--reason", "known good");
        CliRun block = CliRun.run(env, "models", "block", "digits", "v2", "-r", "leaked labels");
        CliRun note = CliRun.run(env, "models", "annotate", "digits", "v1", "checked by risk");
        CliRun remove = CliRun.run(env, "models", "alias", "remove", "digits", "gold");

        assertThat(List.of(set, block, note, remove)).allSatisfy(run -> assertThat(run.exitCode).as(run.err()).isZero());
        assertThat(set.out()).contains("alias set digits champion: done (champion → v1)");
        assertThat(requests).hasSize(4);
        assertThat(requests.get(0)).startsWith("POST /models/digits/aliases/champion auth=Bearer w-token type=application/json")
                .contains("\"version\":\"v1\"", "\"reason\":\"known good\"");
        assertThat(requests.get(1)).startsWith("POST /models/digits/versions/v2/block ").contains("\"reason\":\"leaked labels\"");
        assertThat(requests.get(2)).startsWith("POST /models/digits/versions/v1/annotate ").contains("\"reason\":\"checked by risk\"");
        assertThat(requests.get(3)).startsWith("POST /models/digits/aliases/gold/remove ");
    }

    @Test
    void modelsBlockNeedsAReasonAndARefusalIsExplained() {
        Map<String, String> env = Map.of("SLUICE_TOKEN", "w-token", "SLUICE_EVALUATION_URL", url());
        CliRun missing = CliRun.run(env, "models", "block", "digits", "v2");
        assertThat(missing.exitCode).isEqualTo(2);
        assertThat(missing.err()).contains("block needs --reason");
        assertThat(requests).isEmpty();

        status = 409;
        reply = "{\"type\":\"about:blank\",\"title\":\"Conflict\",\"status\":409,\"detail\":\"v2 is blocked: leaked labels\"}";
        CliRun refused = CliRun.run(env, "models", "alias", "set", "digits", "champion", "v2");
        assertThat(refused.exitCode).isEqualTo(1);
        assertThat(refused.err()).contains("alias set digits champion refused: 409 v2 is blocked: leaked labels");
    }

    @Test
    void modelsShowPrintsAliasesWithWhoPinnedThemBlocksAndNotes() {
        reply = """
                {"name":"digits","aliases":{"champion":"v1","challenger":null,"gold":"v1"},
                 "pinned":[{"alias":"champion","version":"v1","pinned":true,"set":{"actor":"writer:ops-1","reason":"known good"}}],
                 "versions":[{"version":"v1","stage":"PRODUCTION","decision":{"accuracy":0.97},"blocked":null,
                              "notes":[{"actor":"writer:ops-1","at":"2026-01-01T00:00:00Z","reason":"checked"}]},
                             {"version":"v2","stage":"REJECTED","decision":null,
                              "blocked":{"actor":"admin:root","reason":"leaked labels"},"notes":[]}]}""";

        CliRun run = CliRun.run(Map.of("SLUICE_TOKEN", "t", "SLUICE_EVALUATION_URL", url()), "models", "show", "digits");

        assertThat(run.exitCode).as(run.err()).isZero();
        assertThat(requests).singleElement().asString().startsWith("GET /models/digits/versions auth=Bearer t");
        assertThat(run.out()).contains("aliases: champion v1 (set by writer:ops-1: known good), gold v1")
                .contains("accuracy 0.970").contains("BLOCKED by admin:root: leaked labels")
                .contains("note (writer:ops-1, 2026-01-01T00:00:00Z): checked");
    }
}
