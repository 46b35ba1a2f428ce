package io.sluice.training.modelarts;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

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

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    final HttpServer server;
    final Map<String, Job> jobs = new ConcurrentHashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<Map<?, ?>> createdBodies = new CopyOnWriteArrayList<>();
    final AtomicInteger failNextRequests = new AtomicInteger();
    volatile List<String> phases = List.of("Pending", "Running", "Completed");
    volatile String failureReason;
    volatile Consumer<Map<?, ?>> onCompleted = body -> {};

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
        if (!TOKEN.equals(exchange.getRequestHeaders().getFirst("X-Auth-Token"))) {
            respond(exchange, 401, Map.of("error_code", "ModelArts.0103", "error_msg", "token invalid"));
            return;
        }
        if (failNextRequests.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            respond(exchange, 503, Map.of("error_msg", "service busy"));
            return;
        }
        String[] parts = path.split("/"); // "", v2, project, training-jobs, id, actions
        byte[] body = exchange.getRequestBody().readAllBytes();
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
