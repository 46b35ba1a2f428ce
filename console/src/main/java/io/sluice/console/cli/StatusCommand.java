package io.sluice.console.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import tools.jackson.databind.JsonNode;
import io.sluice.console.events.EventTail;
import io.sluice.platform.local.LocalStackFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice status}: is every part of the stack up, and what does each model serve. */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show the health of the stack and every model's deployment.", "",
                "The health of Kafka and of every service (ports 8080-8086, or those of the running local stack), then every model's deployment: its versions, "
                        + "traffic weights, release step and last verdict (GET /deployments on the deployment service). "
                        + "Exits with 1 when something is down."})
final class StatusCommand implements Callable<Integer> {

    /** The local stack's services and their ports (DESIGN §7). */
    static final Map<String, Integer> SERVICES = new java.util.LinkedHashMap<>();

    static {
        SERVICES.put("console", 8080);
        SERVICES.put("ingest", 8081);
        SERVICES.put("inference", 8082);
        SERVICES.put("deployment", 8083);
        SERVICES.put("training", 8084);
        SERVICES.put("evaluation", 8085);
        SERVICES.put("monitoring", 8086);
    }

    private final CliContext context;

    @Option(names = "--host", paramLabel = "HOST", description = "host of the services (default localhost)")
    String host = "localhost";

    @Option(names = "--kafka", paramLabel = "HOST:PORT", description = "bootstrap servers (default: $SLUICE_KAFKA, else the running stack's, else localhost:9092)")
    String kafka;

    @Option(names = "--deployment-url", paramLabel = "URL", description = "deployment service (default $SLUICE_DEPLOYMENT_URL or http://HOST:8083, port offset of the running stack applied)")
    String deploymentUrl;

    @Option(names = "--json", description = "print the deployments as the service returns them (JSON)")
    boolean json;

    StatusCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        boolean allUp = true;
        HttpApi http = new HttpApi(Duration.ofSeconds(5));
        String bootstrap = context.kafka(kafka);
        String kafkaState;
        try (EventTail tail = new EventTail(bootstrap, "sluice-cli-status", Duration.ofSeconds(3))) {
            kafkaState = "UP (" + tail.sluiceTopics().size() + " sluice topics)";
        } catch (EventTail.KafkaUnavailableException e) {
            kafkaState = "DOWN";
            allUp = false;
        }
        context.out().printf(Locale.ROOT, "%-12s %-22s %s%n", "kafka", bootstrap, kafkaState);
        Optional<LocalStackFile> stack = context.stack().stack();
        for (Map.Entry<String, Integer> service : instances(stack).entrySet()) {
            String url = "http://" + host + ":" + service.getValue() + "/actuator/health";
            HttpApi.Reply reply = http.probe(url);
            String state;
            if (reply == null) {
                state = "DOWN (no answer)";
            } else {
                JsonNode health = reply.json();
                state = health != null && health.hasNonNull("status") ? health.get("status").asString() : "HTTP " + reply.status();
            }
            allUp &= "UP".equals(state);
            context.out().printf(Locale.ROOT, "%-12s %-22s %s%n", service.getKey(), host + ":" + service.getValue(), state);
        }
        String base = context.url(deploymentUrl, "SLUICE_DEPLOYMENT_URL",
                "http://" + host + ":" + (8083 + stack.map(LocalStackFile::portOffset).orElse(0)));
        context.out().println();
        HttpApi.Reply deployments;
        try {
            deployments = http.get(base + "/deployments", context.tokenOrNull()); // reading needs a viewer token or better
        } catch (CliException e) {
            context.out().println("deployments: " + e.getMessage());
            return 1;
        }
        if (!deployments.ok()) {
            context.out().println("deployments: HTTP " + deployments.status() + " " + deployments.explanation()
                    + (deployments.status() == 401 ? " (set SLUICE_TOKEN, or start the stack with ./sluice up, which writes <data dir>/admin-token)" : ""));
            return 1;
        }
        if (json) {
            context.out().println(deployments.body());
        } else {
            printDeployments(deployments.json());
            printVerdicts(deployments.json());
        }
        return allUp ? 0 : 1;
    }

    /**
     * What to probe: every service instance of the running local stack (each replica, its port offset
     * applied), else the default ports.
     */
    static Map<String, Integer> instances(Optional<LocalStackFile> stack) {
        if (stack.isEmpty()) {
            return SERVICES;
        }
        Map<String, Integer> instances = new LinkedHashMap<>();
        for (LocalStackFile.Process process : stack.get().processes()) {
            if (!process.module().equals("kafka")) {
                String name = process.module().replace("-service", "");
                instances.put(process.replica() > 1 ? name + "-" + process.replica() : name, process.port());
            }
        }
        if (instances.isEmpty()) { // a broker-only stack: the default services, shifted like its others would be
            SERVICES.forEach((name, port) -> instances.put(name, port + stack.get().portOffset()));
        }
        return instances;
    }

    /** Prints one line per model and one per route; tolerant of the reply's exact shape. */
    void printDeployments(JsonNode json) {
        List<JsonNode> models = new ArrayList<>();
        if (json != null && json.isArray()) {
            json.forEach(models::add);
        } else if (json != null && json.isObject()) {
            JsonNode list = json.has("deployments") ? json.get("deployments") : json.get("models");
            if (list != null && list.isArray()) {
                list.forEach(models::add);
            } else if (list != null && list.isObject()) {
                list.properties().forEach(e -> models.add(e.getValue()));
            } else {
                json.properties().forEach(e -> models.add(e.getValue()));
            }
        }
        if (models.isEmpty()) {
            context.out().println("no deployments yet");
            return;
        }
        context.out().printf(Locale.ROOT, "%-20s %-20s %-6s %s%n", "MODEL", "PHASE", "STEP", "ROUTES (version role weight%)");
        for (JsonNode model : models) {
            String name = text(model, "modelName", "model", "name");
            String phase = text(model, "phase", "state", "status");
            if (model.path("paused").asBoolean(false)) {
                phase += " (paused)";
            } else if (model.path("held").asBoolean(false)) {
                phase += " (held)";
            }
            String step = stepOf(model);
            StringBuilder routes = new StringBuilder();
            JsonNode list = model.get("routes");
            if (list != null && list.isArray()) {
                for (JsonNode route : list) {
                    if (!routes.isEmpty()) {
                        routes.append(", ");
                    }
                    routes.append(text(route, "version", "modelVersion")).append(' ')
                            .append(text(route, "role")).append(' ').append(text(route, "weight")).append('%');
                }
            }
            context.out().printf(Locale.ROOT, "%-20s %-20s %-6s %s%n", name, phase, step, routes);
        }
    }

    /** The last verdict of each model, when the service reports it ({@code lastVerdict}). */
    private void printVerdicts(JsonNode json) {
        JsonNode list = json == null ? null : json.isArray() ? json : json.get("deployments");
        if (list == null || !list.isArray()) {
            return;
        }
        for (JsonNode model : list) {
            JsonNode verdict = model.get("lastVerdict");
            if (verdict != null && verdict.isObject()) {
                context.out().printf(Locale.ROOT, "last verdict on %s: %s for %s at step %s (%s samples): %s%n", text(model, "modelName"),
                        text(verdict, "outcome"), text(verdict, "canaryVersion"), text(verdict, "stepIndex"), text(verdict, "samples"),
                        text(verdict, "reason"));
            }
        }
    }

    private static String stepOf(JsonNode model) {
        JsonNode index = model.get("stepIndex");
        JsonNode steps = model.get("steps");
        if (index != null && index.isNumber() && index.asInt() < 0) {
            return "-";
        }
        if (index != null && index.isNumber() && steps != null && steps.isArray() && steps.size() > 0) {
            return (index.asInt() + 1) + "/" + steps.size();
        }
        return index == null ? "-" : index.asString();
    }

    static String text(JsonNode node, String... fields) {
        for (String field : fields) {
            if (node != null && node.hasNonNull(field)) {
                return node.get(field).asString();
            }
        }
        return "-";
    }
}
