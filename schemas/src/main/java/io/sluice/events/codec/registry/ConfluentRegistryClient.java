package io.sluice.events.codec.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.sluice.events.codec.SchemaRegistry;
import io.sluice.events.codec.SchemaRegistry.UnavailableException;

/**
 * A {@link SchemaRegistry} over the Confluent-compatible REST API ({@code /subjects/{subject}/versions},
 * {@code /schemas/ids/{id}}, {@code /config/{subject}}), as Apicurio serves it at {@code /apis/ccompat/v7}.
 * Subjects follow the record-name strategy (the caller passes the event's full name), because several event
 * types share a topic. Before it first registers a subject, it sets the subject's compatibility to
 * {@value #COMPATIBILITY}, what the build's history check enforces, so the registry refuses what the build would.
 * Ids and registrations are cached for the life of the process (a registry id never changes its schema).
 */
public final class ConfluentRegistryClient implements SchemaRegistry {

    /** Compatibility set on every Sluice subject: each version reads and is read by every earlier one. */
    public static final String COMPATIBILITY = "FULL_TRANSITIVE";
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http;
    private final Duration patience;
    private final Map<Schema, Integer> registered = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();
    private final Set<String> configured = ConcurrentHashMap.newKeySet();

    /**
     * @param base     the Confluent-compatible API, e.g. {@code http://localhost:8087/apis/ccompat/v7}
     * @param patience how long a lookup keeps retrying while the registry cannot be reached
     */
    public ConfluentRegistryClient(URI base, Duration patience) {
        this.base = base;
        this.patience = patience;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Override
    public int register(String subject, Schema schema) {
        Integer known = registered.get(schema);
        if (known != null) {
            return known;
        }
        String path = "/subjects/" + encode(subject);
        if (configured.add(subject)) {
            call("PUT", "/config/" + encode(subject), JSON.createObjectNode().put("compatibility", COMPATIBILITY).toString());
        }
        JsonNode answer = call("POST", path + "/versions", JSON.createObjectNode().put("schema", schema.toString()).toString());
        int id = answer.path("id").asInt(-1);
        if (id < 0) {
            throw new IllegalStateException("registry at " + base + " answered no id for " + subject + ": " + answer);
        }
        registered.put(schema, id);
        byId.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        Schema known = byId.get(id);
        if (known != null) {
            return known;
        }
        long deadline = System.nanoTime() + patience.toNanos();
        long pause = 200;
        while (true) {
            try {
                JsonNode answer = call("GET", "/schemas/ids/" + id, null);
                Schema schema = new Schema.Parser().parse(answer.path("schema").asText());
                byId.putIfAbsent(id, schema);
                return schema;
            } catch (UnavailableException e) {
                if (System.nanoTime() + pause * 1_000_000 > deadline) {
                    throw e;
                }
                sleep(pause);
                pause = Math.min(pause * 2, 5_000);
            }
        }
    }

    private JsonNode call(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Accept", CONTENT_TYPE);
        request = body == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UnavailableException("schema registry at " + base + " cannot be reached: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted while calling the schema registry at " + base, e);
        }
        int status = response.statusCode();
        if (status >= 500 || status == 429) {
            throw new UnavailableException("schema registry at " + base + " answered " + status + " to " + method + " " + path, null);
        }
        JsonNode answer = parse(response.body());
        if (status == 404) {
            throw new NotFound(method + " " + path + ": " + answer.path("message").asText(response.body()));
        }
        if (status == 409) {
            throw new Refused(method + " " + path + " refused by the registry as incompatible ("
                    + COMPATIBILITY + "): " + answer.path("message").asText(response.body()));
        }
        if (status >= 300) {
            throw new Refused(method + " " + path + " answered " + status + ": " + answer.path("message").asText(response.body()));
        }
        return answer;
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("schema registry answered something that is not JSON", e);
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis); // backoff between lookups while the registry is down, not synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted while waiting for the schema registry", e);
        }
    }

    /** The registry does not know the subject or id. */
    public static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message);
        }
    }

    /** The registry refused the request, e.g. a schema incompatible with the subject's earlier versions. */
    public static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }
}
