package io.sluice.console.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import tools.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice predict <model> <file>}: asks the inference service for a prediction and prints it. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Ask a model for a prediction on a file or a CSV row.", "",
                "Sends a file (an image, or a CSV file with one row) or a CSV row (--row, as the console's predict page "
                        + "takes it) to POST /v2/models/MODEL/predict on the inference service "
                        + "and prints the label with its confidence, the version (and role: stable or canary) that answered, the "
                        + "request id (for feedback) and the probabilities, highest first."},
        footer = {"", "Examples:", "  sluice predict digits ./seven.png", "  sluice predict iris --row 5.1,3.5,1.4,0.2"})
final class PredictCommand implements Callable<Integer> {

    private final CliContext context;

    @Parameters(index = "0", paramLabel = "MODEL", description = "model name")
    String model;

    @Parameters(index = "1", arity = "0..1", paramLabel = "FILE", description = "image (.png, .jpg) or CSV file with one row")
    Path file;

    @Option(names = "--row", paramLabel = "CSV", description = "a CSV row of feature values instead of FILE, e.g. 5.1,3.5,1.4,0.2")
    String row;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--inference-url", paramLabel = "URL", description = "inference service (default $SLUICE_INFERENCE_URL, else the running stack's, else http://localhost:8082)")
    String inferenceUrl;

    @Option(names = "--json", description = "print the service's JSON reply as it is")
    boolean json;

    PredictCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        if ((file == null) == (row == null)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give either FILE or --row CSV");
        }
        if (file != null && !Files.isRegularFile(file)) {
            throw new CliException("no file " + file);
        }
        if (row != null && row.isBlank()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--row is empty");
        }
        String base = context.serviceUrl(inferenceUrl, "SLUICE_INFERENCE_URL", "inference-service", 8082);
        String url = base + "/v2/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20") + "/predict";
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).header("Accept", "application/json");
        if (file != null) {
            String boundary = "sluice-" + UUID.randomUUID();
            builder.header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(boundary, file)));
        } else {
            builder.header("Content-Type", "text/csv; charset=utf-8").POST(HttpRequest.BodyPublishers.ofString(row.strip(), StandardCharsets.UTF_8));
        }
        HttpRequest request = builder.build();
        HttpApi.Reply reply = new HttpApi(Duration.ofSeconds(30)).send(request);
        if (!reply.ok()) {
            throw new CliException("prediction refused: " + reply.status() + " " + reply.explanation());
        }
        if (json) {
            context.out().println(reply.body());
            return 0;
        }
        print(reply.json());
        return 0;
    }

    static byte[] multipart(String boundary, Path file) throws IOException {
        String name = file.getFileName().toString().replace("\"", "");
        String type = Files.probeContentType(file);
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\n"
                + "Content-Type: " + (type == null ? "application/octet-stream" : type) + "\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        byte[] content = Files.readAllBytes(file);
        byte[] out = new byte[head.length() + content.length + tail.length()];
        byte[] h = head.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(content, 0, out, h.length, content.length);
        byte[] t = tail.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(t, 0, out, h.length + content.length, t.length);
        return java.util.Arrays.copyOf(out, h.length + content.length + t.length);
    }

    /** Prints label, version and probabilities; tolerant of field names ({@code label}/{@code predictedClass}, …). */
    void print(JsonNode reply) {
        if (reply == null || !reply.isObject()) {
            throw new CliException("the inference service answered something that is not a JSON object");
        }
        String label = StatusCommand.text(reply, "label", "predictedClass", "class", "prediction");
        List<Map.Entry<String, Double>> probabilities = probabilities(reply);
        String confidence = reply.hasNonNull("confidence") ? String.format(Locale.ROOT, " (%.3f)", reply.get("confidence").asDouble())
                : probabilities.stream().filter(e -> e.getKey().equals(label)).findFirst()
                        .map(e -> String.format(Locale.ROOT, " (%.3f)", e.getValue())).orElse("");
        context.out().println("label:   " + label + confidence);
        String role = StatusCommand.text(reply, "role");
        context.out().println("version: " + StatusCommand.text(reply, "modelVersion", "version", "model_version")
                + ("-".equals(role) ? "" : " (" + role.toLowerCase(Locale.ROOT) + ")"));
        String request = StatusCommand.text(reply, "requestId", "id");
        if (!"-".equals(request)) {
            context.out().println("request: " + request);
        }
        if (!probabilities.isEmpty()) {
            context.out().println("probabilities:");
            probabilities.sort(Map.Entry.<String, Double>comparingByValue().reversed());
            for (Map.Entry<String, Double> p : probabilities) {
                context.out().printf(Locale.ROOT, "  %-20s %.4f%n", p.getKey(), p.getValue());
            }
        }
    }

    private static List<Map.Entry<String, Double>> probabilities(JsonNode reply) {
        List<Map.Entry<String, Double>> out = new ArrayList<>();
        JsonNode probabilities = reply.get("probabilities");
        if (probabilities == null) {
            probabilities = reply.get("scores");
        }
        if (probabilities != null && probabilities.isObject()) {
            probabilities.properties().forEach(e -> out.add(Map.entry(e.getKey(), e.getValue().asDouble())));
        } else if (probabilities != null && probabilities.isArray()) {
            JsonNode classes = reply.get("classes");
            int i = 0;
            for (JsonNode p : probabilities) {
                if (p.isObject()) {
                    out.add(Map.entry(StatusCommand.text(p, "label", "class", "className"), p.path("probability").asDouble(p.path("score").asDouble())));
                } else {
                    String name = classes != null && classes.isArray() && classes.size() > i ? classes.get(i).asString() : String.valueOf(i);
                    out.add(Map.entry(name, p.asDouble()));
                }
                i++;
            }
        }
        return out;
    }
}
