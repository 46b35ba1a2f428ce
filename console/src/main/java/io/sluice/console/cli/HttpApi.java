package io.sluice.console.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for the stack's services that turns connection failures and error replies into readable messages. */
final class HttpApi {

    static final ObjectMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final Duration timeout;

    HttpApi(Duration timeout) {
        this.timeout = timeout;
    }

    /** A reply: status and body text. */
    record Reply(int status, String body) {
        boolean ok() {
            return status / 100 == 2;
        }

        /** The body as JSON, or null when it is not JSON. */
        JsonNode json() {
            try {
                return body == null || body.isBlank() ? null : JSON.readTree(body);
            } catch (JacksonException notJson) {
                return null;
            }
        }

        /** The server's own words about an error: {@code message}, {@code detail}, {@code error} or the body. */
        String explanation() {
            JsonNode json = json();
            if (json != null && json.isObject()) {
                for (String field : new String[] {"message", "detail", "reason", "error", "title"}) {
                    if (json.hasNonNull(field) && !json.get(field).asString().isBlank()) {
                        return json.get(field).asString();
                    }
                }
            }
            String text = body == null ? "" : body.strip();
            return text.length() > 300 ? text.substring(0, 300) + "…" : text;
        }
    }

    Reply get(String url, String bearerToken) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).header("Accept", "application/json").GET();
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        return send(request.build());
    }

    /** POSTs {@code body} as JSON with the bearer token: how every CLI command asks a service to act. */
    Reply postJson(String url, String bearerToken, Object body) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Authorization", "Bearer " + bearerToken)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build());
    }

    /** One URL path segment, percent-encoded (a space as {@code %20}, never {@code +}). */
    static String segment(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    Reply send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(response.statusCode(), response.body());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new CliException("cannot connect to " + origin(request.uri()) + " (is the stack running? ./sluice up)", e);
        } catch (HttpTimeoutException e) {
            throw new CliException("no answer from " + request.uri() + " within " + timeout.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new CliException("request to " + request.uri() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        }
    }

    /** Whether something answers at the URL (any HTTP status), within a short timeout. */
    Reply probe(String url) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(response.statusCode(), response.body());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getAuthority();
    }
}
