package io.sluice.platform.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Fuzzes an operator-command route ({@code POST <prefix>/{model}/{action}} with a JSON {@code reason}) over real HTTP
 * with jqwik-generated requests: odd model names and actions (control characters, encoded slashes, very long), bodies of
 * every JSON type, malformed JSON and other content types. Every answer must be below 500, a refusal a problem detail,
 * and the service must still answer its health check afterwards. Needs jqwik on the test classpath.
 */
public final class CommandFuzz {

    /** One generated request. */
    public record Request(String model, String action, String contentType, String body) {}

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    public CommandFuzz(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** {@code count} requests; model names are generated (plus {@code models}, which the caller knows are safe to target). */
    public static List<Request> requests(int count, List<String> models, List<String> actions) {
        Arbitrary<String> odd = Arbitraries.oneOf(Arbitraries.of("", " ", "a\nforged", "\u0000", "%00", "..", "x".repeat(3000), "a/b",
                "a%2Fb", "é", "{x}", "*", ";jsessionid=1"), Arbitraries.strings().ofMaxLength(30));
        Arbitrary<String> model = models.isEmpty() ? odd : Arbitraries.oneOf(Arbitraries.of(models), odd);
        Arbitrary<String> action = Arbitraries.oneOf(Arbitraries.of(actions), Arbitraries.of(actions).map(String::toUpperCase), odd);
        Arbitrary<String> reason = Arbitraries.oneOf(Arbitraries.of("\"ok\"", "null", "1", "true", "[]", "{}", "[\"a\"]",
                        "\"" + "r".repeat(600) + "\"", "\"line\\nbreak\\u0000\""),
                Arbitraries.strings().ofMaxLength(40).map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""));
        Arbitrary<String> body = Arbitraries.oneOf(reason.map(r -> "{\"reason\":" + r + "}"),
                Arbitraries.of("", "{", "null", "[]", "\"reason\"", "{\"reason\":\"a\",\"reason\":1}", "{\"other\":1}", "\u0000"),
                Arbitraries.strings().ofMaxLength(60));
        Arbitrary<String> type = Arbitraries.of("application/json", "application/json", "text/plain", "application/xml",
                "application/json; charset=latin1", "multipart/form-data");
        return Combinators.combine(model, action, type, body).as(Request::new).sampleStream().limit(count).toList();
    }

    /**
     * Sends every request with the credential; fails listing each request answered with a 5xx, a 4xx that is not a
     * problem detail, or a transport error; then checks {@code /actuator/health/liveness}. Returns the answers' statuses
     * and how often each came.
     */
    public Map<Integer, Integer> send(String prefix, List<Request> requests, String authorization) {
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (Request request : requests) {
            String path = prefix + "/" + encode(request.model()) + "/" + encode(request.action());
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
                        .header("Authorization", authorization).header("Content-Type", request.contentType())
                        .POST(HttpRequest.BodyPublishers.ofString(request.body())).build(), HttpResponse.BodyHandlers.ofString());
                statuses.merge(response.statusCode(), 1, Integer::sum);
                boolean problem = response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json");
                if (response.statusCode() >= 500 || response.statusCode() >= 400 && !problem) {
                    failures.add(response.statusCode() + " for " + request + ": " + response.body());
                }
            } catch (IOException | IllegalArgumentException e) {
                failures.add(e + " for " + request);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        assertThat(failures).as("operator commands answered with a 5xx, a 4xx without a problem detail, or no answer").isEmpty();
        try {
            assertThat(http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health/liveness")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).as("still answering").isEqualTo(200);
        } catch (IOException e) {
            throw new AssertionError("the service stopped answering", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return statuses;
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The statuses as {@code 404×n, …} for a test's output. */
    public static String summary(Map<Integer, Integer> statuses) {
        return statuses.entrySet().stream().map(e -> e.getKey() + "×" + e.getValue()).collect(Collectors.joining(", "));
    }
}
