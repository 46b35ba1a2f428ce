package io.sluice.training.modelarts;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * A local HTTP stand-in for the ModelArts training-jobs API (create, get, terminate) with
 * scriptable phases, injected server errors, and a hook standing in for the job's container.
 */
final class FakeModelArts implements AutoCloseable {

    static final String TOKEN = "test-iam-token";
    static final String AK = "TESTAKEXAMPLE0000001";
    static final String SK = "test-secret-key-that-must-never-be-logged";

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    final HttpServer server;
    final Map<String, Job> jobs = new ConcurrentHashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<Map<?, ?>> createdBodies = new CopyOnWriteArrayList<>();
    final AtomicInteger failNextRequests = new AtomicInteger();
    volatile List<String> phases = List.of("Pending", "Running", "Completed");
    volatile String failureReason;
    volatile Consumer<Map<?, ?>> onCompleted = body -> {};
    /** When true, requests must carry a valid AK/SK signature made with {@link #SK} instead of the IAM token. */
    volatile boolean akSk;
    final List<String> signedHeaders = new CopyOnWriteArrayList<>();

    /** One job: its creation body and where it is in the scripted phases. */
    static final class Job {
        final Map<?, ?> body;
        final AtomicInteger polls = new AtomicInteger();
        volatile boolean terminated;

        Job(Map<?, ?> body) {
            this.body = body;
        }
    }

    FakeModelArts() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v2/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        requests.add(exchange.getRequestMethod() + " " + path);
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (akSk ? !validSignature(exchange, body) : !TOKEN.equals(exchange.getRequestHeaders().getFirst("X-Auth-Token"))) {
            respond(exchange, 401, akSk ? Map.of("error_code", "APIGW.0301", "error_msg", "Incorrect IAM authentication information: verify aksk signature fail")
                    : Map.of("error_code", "ModelArts.0103", "error_msg", "token invalid"));
            return;
        }
        if (failNextRequests.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            respond(exchange, 503, Map.of("error_msg", "service busy"));
            return;
        }
        String[] parts = path.split("/"); // "", v2, project, training-jobs, id, actions
        if (exchange.getRequestMethod().equals("POST") && parts.length == 4) {
            Map<?, ?> request = JSON.readValue(body, Map.class);
            createdBodies.add(request);
            String id = UUID.randomUUID().toString();
            jobs.put(id, new Job(request));
            respond(exchange, 201, Map.of("metadata", Map.of("id", id), "status", Map.of("phase", "Creating")));
        } else if (exchange.getRequestMethod().equals("GET") && parts.length == 5 && jobs.containsKey(parts[4])) {
            Job job = jobs.get(parts[4]);
            String phase;
            if (job.terminated) {
                phase = "Terminated";
            } else {
                List<String> script = phases;
                phase = script.get(Math.min(job.polls.getAndIncrement(), script.size() - 1));
                if (phase.equals("Completed") && job.polls.get() == script.size()) {
                    onCompleted.accept(job.body);
                }
            }
            respond(exchange, 200, Map.of("metadata", Map.of("id", parts[4]), "status",
                    failureReason == null ? Map.of("phase", phase) : Map.of("phase", phase, "reason", failureReason)));
        } else if (exchange.getRequestMethod().equals("POST") && parts.length == 6 && parts[5].equals("actions")
                && jobs.containsKey(parts[4])) {
            Map<?, ?> action = JSON.readValue(body, Map.class);
            if ("terminate".equals(action.get("action_type"))) {
                jobs.get(parts[4]).terminated = true;
            }
            respond(exchange, 202, Map.of());
        } else {
            respond(exchange, 404, Map.of("error_msg", "no such job"));
        }
    }

    /**
     * Verifies the request the way API Gateway does, from what arrived: rebuilds the canonical request from
     * the method, path, query, the headers named in SignedHeaders and the body, and compares the HMAC made
     * with the known secret key. Written independently of the client's signer on purpose.
     */
    private boolean validSignature(HttpExchange exchange, byte[] body) {
        try {
            return signatureMatches(exchange, body);
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    private boolean signatureMatches(HttpExchange exchange, byte[] body) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String date = exchange.getRequestHeaders().getFirst("X-Sdk-Date");
        if (authorization == null || date == null || !authorization.startsWith("SDK-HMAC-SHA256 ")) {
            return false;
        }
        Map<String, String> fields = new HashMap<>();
        for (String field : authorization.substring("SDK-HMAC-SHA256 ".length()).split(",\\s*")) {
            int eq = field.indexOf('=');
            fields.put(field.substring(0, eq), field.substring(eq + 1));
        }
        Instant signedAt = LocalDateTime.parse(date, DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"))
                .toInstant(ZoneOffset.UTC);
        if (!AK.equals(fields.get("Access")) || Duration.between(signedAt, Instant.now()).abs().toMinutes() >= 15) {
            return false;
        }
        List<String> names = List.of(fields.get("SignedHeaders").split(";"));
        if (!names.contains("host") || !names.contains("x-sdk-date")) {
            return false;
        }
        signedHeaders.add(fields.get("SignedHeaders"));
        StringBuilder canonical = new StringBuilder(exchange.getRequestMethod()).append('\n');
        String path = exchange.getRequestURI().getRawPath();
        canonical.append(path.endsWith("/") ? path : path + "/").append('\n');
        String query = exchange.getRequestURI().getRawQuery();
        canonical.append(query == null ? "" : String.join("&", new TreeSet<>(List.of(query.split("&"))))).append('\n');
        for (String name : names) {
            String value = exchange.getRequestHeaders().getFirst(name);
            canonical.append(name).append(':').append(value == null ? "" : value.trim()).append('\n');
        }
        canonical.append('\n').append(fields.get("SignedHeaders")).append('\n').append(hex(digest(body)));
        String stringToSign = "SDK-HMAC-SHA256\n" + date + "\n" + hex(digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SK.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return hex(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8))).equals(fields.get("Signature"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] digest(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static void respond(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    static String parameter(Map<?, ?> body, String name) {
        List<?> parameters = (List<?>) ((Map<?, ?>) body.get("algorithm")).get("parameters");
        return parameters.stream().map(p -> (Map<?, ?>) p).filter(p -> name.equals(p.get("name"))).map(p -> p.get("value").toString())
                .findFirst().orElse(null);
    }

    @Override
    public void close() {
        server.stop(0);
    }

}
