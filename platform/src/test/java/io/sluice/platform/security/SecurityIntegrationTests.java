package io.sluice.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.sluice.platform.testkit.RouteWalk;

/** The platform's security on a real server: route roles, problem details, keys, sessions and the body limit. */
@SpringBootTest(classes = SecurityIntegrationTests.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"sluice.security.max-request-size=1KB", "sluice.security.reload-interval=0s",
                "sluice.security.admin-token=local-admin", "spring.cloud.stream.enabled=false"})
class SecurityIntegrationTests {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void keys(DynamicPropertyRegistry registry) throws IOException {
        Files.writeString(dir.resolve("keys"), "# rotated\n");
        registry.add("sluice.security.keys", RouteWalk::keysProperty);
        registry.add("sluice.security.keys-file", () -> dir.resolve("keys").toString());
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration(excludeName = {"org.springframework.cloud.stream.config.BindingServiceConfiguration",
            "org.springframework.cloud.stream.function.FunctionConfiguration"})
    @Import(Api.class)
    static class App {
        @Bean
        RouteRoles routeRoles() {
            return RouteRoles.builder().get(Access.READ, "/things", "/things/*").post(Access.WRITER, "/things/*/touch")
                    .post(Access.ADMIN, "/things/*/burn").post(Access.CLIENT, "/predict").post(Access.WEBHOOK, "/hook")
                    .post(Access.CLIENT, "/echo").build();
        }

        /** Stands in for a provider's signed token (Pub/Sub's OIDC): one fixed credential proves a webhook caller. */
        @Bean
        CredentialVerifier providerTokens() {
            return credential -> "signed-by-the-provider".equals(credential)
                    ? java.util.Optional.of(new Caller("provider", Role.WEBHOOK, null)) : java.util.Optional.empty();
        }
    }

    @RestController
    static class Api {
        @GetMapping({"/things", "/things/{id}"})
        Map<String, String> read(Principal who) {
            return Map.of("who", who.getName());
        }

        @PostMapping({"/things/{id}/touch", "/things/{id}/burn", "/predict", "/hook"})
        Map<String, String> act(Principal who) {
            return Map.of("who", who == null ? "anonymous" : who.getName());
        }

        @PostMapping("/echo")
        Map<String, Integer> echo(@RequestBody byte[] body) {
            return Map.of("bytes", body.length);
        }

        @GetMapping("/undeclared")
        String undeclared() {
            return "should never answer";
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    RouteRoles routes;
    @Autowired
    SessionTokens sessions;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void walksEveryDeclaredRouteWithTooLittleAndEnoughRole() {
        assertThat(new RouteWalk("http://localhost:" + port).walk(routes)).isEqualTo(21);
    }

    @Test
    void findsAControllerRouteMissingFromTheTable() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RouteWalk.assertEveryMappingDeclared(context, routes))
                .hasMessageContaining("GET /undeclared");
    }

    @Test
    void refusesUndeclaredRoutesEvenToAdmins() throws Exception {
        assertThat(send("GET", "/undeclared", "local-admin", null).statusCode()).isEqualTo(403);
        assertThat(send("GET", "/undeclared", null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void answersRefusalsAsProblemDetails() throws Exception {
        HttpResponse<String> response = send("POST", "/things/a/burn", RouteWalk.KEYS.get(Role.VIEWER), "{}");
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(response.body()).contains("\"status\":403", "\"title\":\"Forbidden\"", "viewer:test-viewer", "the admin role",
                "\"instance\":\"/things/a/burn\"");
        HttpResponse<String> unknown = send("GET", "/things", "no-such-key", null);
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(unknown.body()).contains("\"status\":401", "the API key is not valid");
    }

    @Test
    void namesTheCallerAndAppliesTheRoleHierarchy() throws Exception {
        assertThat(send("GET", "/things", "local-admin", null).body()).contains("admin:admin");
        assertThat(send("POST", "/things/a/touch", "local-admin", "{}").statusCode()).isEqualTo(200);
        assertThat(send("POST", "/predict", RouteWalk.KEYS.get(Role.WRITER), "{}").statusCode()).isEqualTo(200);
        assertThat(send("POST", "/hook", "local-admin", "{}").statusCode()).isEqualTo(200);
    }

    @Test
    void acceptsCredentialsAServiceVerifiesItself() throws Exception {
        assertThat(send("POST", "/hook", "signed-by-the-provider", "{}").body()).contains("webhook:provider");
        assertThat(send("POST", "/hook", "signed-by-someone-else", "{}").statusCode()).isEqualTo(401);
        assertThat(send("GET", "/things", "signed-by-the-provider", null).statusCode()).isEqualTo(403);
    }

    @Test
    void acceptsSignedSessionsAndRefusesForgedOnes() throws Exception {
        String session = sessions.issue(new Caller("alice", Role.VIEWER, null), java.time.Duration.ofMinutes(5), "console");
        assertThat(send("GET", "/things/1", session, null).body()).contains("viewer:alice via console");
        assertThat(send("POST", "/things/1/touch", session, "{}").statusCode()).isEqualTo(403);
        String forged = session.substring(0, session.lastIndexOf('.')) + ".AAAA";
        assertThat(send("GET", "/things/1", forged, null).statusCode()).isEqualTo(401);
        String elevated = SessionTokens.PREFIX + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("alice|admin|9999999999|".getBytes(StandardCharsets.UTF_8)) + session.substring(session.lastIndexOf('.'));
        assertThat(send("POST", "/things/1/burn", elevated, "{}").statusCode()).isEqualTo(401);
    }

    @Test
    void rotatesKeysFromTheFileWithoutARestart() throws Exception {
        assertThat(send("GET", "/things", "rotated-1", null).statusCode()).isEqualTo(401);
        Files.writeString(dir.resolve("keys"), ApiKeys.entryFor("ops", Role.VIEWER, "rotated-1") + "\n");
        assertThat(send("GET", "/things", "rotated-1", null).body()).contains("viewer:ops");
        Files.writeString(dir.resolve("keys"), "# emptied again, and a longer comment so the size changes\n");
        assertThat(send("GET", "/things", "rotated-1", null).statusCode()).isEqualTo(401);
    }

    @Test
    void countsChunkedBodiesAgainstTheLimit() throws Exception {
        HttpResponse<String> small = send("POST", "/echo", RouteWalk.KEYS.get(Role.CLIENT), "{\"a\":1}");
        assertThat(small.statusCode()).isEqualTo(200);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/echo"))
                .header("Authorization", "Bearer " + RouteWalk.KEYS.get(Role.CLIENT)).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[10_000])))
                .build(); // no length: sent chunked
        var answer = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> tooLarge = answer.get();
        assertThat(tooLarge.statusCode()).as(tooLarge.body()).isEqualTo(413);
        assertThat(tooLarge.body()).contains("\"status\":413", "larger than 1024 bytes");
        HttpResponse<String> declared = send("POST", "/echo", RouteWalk.KEYS.get(Role.CLIENT), "x".repeat(2000));
        assertThat(declared.statusCode()).isEqualTo(413);
    }

    @Test
    void answersWhatTheFirewallTomcatAndMultipartParsingRefuseAsProblemDetailsNeverA5xx() throws Exception {
        for (String path : List.of("/things/a%0Aforged/touch", "/things/a%2Fb/touch", "/things/%3Bx/touch", "/things/a%00/touch",
                "/things/..%2F..%2Fetc/touch", "/things/a;x=1/touch")) {
            HttpResponse<String> refused = send("POST", path, "local-admin", "{}");
            assertThat(refused.statusCode()).as(path).isBetween(400, 499);
            assertThat(refused.headers().firstValue("Content-Type")).as(path).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(refused.body()).as(path).contains("\"status\":" + refused.statusCode(), "\"error\":")
                    .doesNotContain("<html", "Exception");
        }
        HttpResponse<String> multipart = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/things/a/touch"))
                .header("Authorization", "Bearer local-admin").header("Content-Type", "multipart/form-data")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(multipart.statusCode()).isEqualTo(400);
        assertThat(multipart.body()).contains("malformed multipart body");
    }

    private HttpResponse<String> send(String method, String path, String key, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
