package io.sluice.inference.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import tools.jackson.databind.json.JsonMapper;

import io.sluice.inference.domain.Answer;
import io.sluice.inference.domain.InferenceRequest;
import io.sluice.inference.domain.InvalidInputException;
import io.sluice.inference.domain.ModelHost;
import io.sluice.inference.domain.ModelRoutes;
import io.sluice.inference.domain.Payload;
import io.sluice.inference.domain.Predictions;
import io.sluice.inference.domain.RoutingTable;
import io.sluice.inference.domain.RequestIds;
import io.sluice.inference.domain.Scores;
import io.sluice.inference.domain.TensorSource;
import io.sluice.inference.domain.UnknownModelException;
import io.sluice.inference.messaging.FeedbackPublisher;
import io.sluice.platform.security.Problems;

/**
 * The Open Inference Protocol (KServe v2) REST API — health, server and model metadata, readiness,
 * {@code infer} with FP/INT tensors — plus {@code predict} (an image or a CSV row → label and
 * probabilities) and {@code feedback} (the true label of an earlier request). Every answer names the
 * version that served it in {@value #VERSION_HEADER} and in the body.
 */
@RestController
@RequestMapping("/v2")
class InferenceController {

    static final String VERSION_HEADER = "X-Sluice-Model-Version";
    static final String ROUTING_KEY_HEADER = "X-Sluice-Routing-Key";
    static final String REQUEST_ID_HEADER = "X-Request-Id";

    /** The protocol's 4xx for a readiness check that is false. */
    static final HttpStatus NOT_READY = HttpStatus.BAD_REQUEST;

    private final Predictions predictions;
    private final RoutingTable table;
    private final ModelHost host;
    private final FeedbackPublisher feedback;
    private final String serverVersion;
    private final JsonMapper json;

    InferenceController(Predictions predictions, RoutingTable table, ModelHost host, FeedbackPublisher feedback, JsonMapper json,
                        @org.springframework.beans.factory.annotation.Value("${sluice.producer:inference-service}") String producer) {
        this.json = json;
        this.predictions = predictions;
        this.table = table;
        this.host = host;
        this.feedback = feedback;
        this.serverVersion = ModelMetadata.serverVersion(producer);
    }

    @GetMapping("/health/live")
    Map<String, Object> live() {
        return Map.of("live", true);
    }

    @GetMapping("/health/ready")
    ResponseEntity<?> ready() {
        List<String> reasons = host.notReady(table.all().values());
        if (!reasons.isEmpty()) {
            ProblemDetail problem = notReady(String.join("; ", reasons));
            problem.setProperty("reasons", reasons);
            return ResponseEntity.status(NOT_READY).body(problem);
        }
        return ResponseEntity.ok(Map.of("ready", true, "reasons", reasons));
    }

    @GetMapping({"", "/"})
    Map<String, Object> server() {
        return Map.of("name", ModelMetadata.SERVER_NAME, "version", serverVersion, "extensions", ModelMetadata.EXTENSIONS,
                "models", table.all().keySet().stream().sorted().toList());
    }

    @GetMapping({"/models/{model}", "/models/{model}/versions/{version}"})
    Map<String, Object> model(@PathVariable String model, @PathVariable(required = false) String version) {
        return ModelMetadata.of(routes(model), version, host);
    }

    @GetMapping({"/models/{model}/ready", "/models/{model}/versions/{version}/ready"})
    ResponseEntity<?> modelReady(@PathVariable String model, @PathVariable(required = false) String version) {
        ModelRoutes routes = routes(model);
        String reason = host.notReady(routes, version).orElse(null);
        if (reason != null) {
            ProblemDetail problem = notReady(reason);
            problem.setProperty("name", model);
            if (version != null) {
                problem.setProperty("version", version);
            }
            problem.setProperty("reason", reason);
            return ResponseEntity.status(NOT_READY).body(problem);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", model);
        if (version != null) {
            body.put("version", version);
        }
        body.put("ready", true);
        return ResponseEntity.ok(body);
    }

    /**
     * "Not ready" is a health answer, not a failure: the Open Inference Protocol says a health or readiness check answers
     * 200 for true and a 4xx for false (Triton answers 400, as here); the body is a problem detail with the KServe
     * {@code error} field and {@code ready: false}. Inference on a version that is not ready stays a retryable 503.
     */
    private static ProblemDetail notReady(String reason) {
        ProblemDetail problem = Problems.of(NOT_READY, reason, null);
        problem.setTitle("Not Ready");
        problem.setProperty("ready", false);
        return problem;
    }

    @PostMapping(path = {"/models/{model}/infer", "/models/{model}/versions/{version}/infer"},
            consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> infer(@PathVariable String model, @PathVariable(required = false) String version,
                                 InputStream body,
                                              @RequestHeader(name = ROUTING_KEY_HEADER, required = false) String routingKey,
                                              @RequestHeader(name = REQUEST_ID_HEADER, required = false) String requestIdHeader) {
        long arrived = System.nanoTime(); // before the body is read: reading it is part of the request's time
        // streamed: the tensor's numbers go straight into a float[], never through a tree of boxed values;
        // the declared shape is judged before the values are read: an oversized or misshaped tensor costs no parsing
        Answer answer = predictions.infer(model, version, routingKey, requestIdHeader, arrived, check -> {
            V2Tensors.Request request = V2Tensors.read(json.createParser(body), check::check);
            return new TensorSource.Decoded(request.id(), request.tensor());
        });
        String requestId = answer.requestId();
        return ResponseEntity.ok().header(VERSION_HEADER, answer.version()).header(REQUEST_ID_HEADER, requestId)
                .contentType(MediaType.APPLICATION_JSON).body(V2Tensors.response(json, answer));
    }

    @PostMapping(path = {"/models/{model}/predict", "/models/{model}/versions/{version}/predict"},
            consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<Map<String, Object>> predictFile(@PathVariable String model, @PathVariable(required = false) String version,
                                                    @RequestPart("file") MultipartFile file,
                                                    @RequestHeader(name = ROUTING_KEY_HEADER, required = false) String routingKey,
                                                    @RequestHeader(name = REQUEST_ID_HEADER, required = false) String requestId)
            throws IOException {
        if (file.isEmpty()) {
            throw new InvalidInputException("the uploaded file is empty");
        }
        String name = file.getOriginalFilename() == null ? "" : file.getOriginalFilename().toLowerCase();
        boolean csv = name.endsWith(".csv") || (file.getContentType() != null && file.getContentType().startsWith("text/"));
        Payload payload = csv ? Csv.row(new String(file.getBytes(), StandardCharsets.UTF_8)) : new Payload.Image(file.getBytes());
        return predict(model, version, routingKey, requestId, payload);
    }

    @PostMapping(path = {"/models/{model}/predict", "/models/{model}/versions/{version}/predict"},
            consumes = {"text/csv", MediaType.TEXT_PLAIN_VALUE})
    ResponseEntity<Map<String, Object>> predictCsv(@PathVariable String model, @PathVariable(required = false) String version,
                                                   @RequestBody(required = false) String row,
                                                   @RequestHeader(name = ROUTING_KEY_HEADER, required = false) String routingKey,
                                                   @RequestHeader(name = REQUEST_ID_HEADER, required = false) String requestId) {
        return predict(model, version, routingKey, requestId, Csv.row(row));
    }

    private ResponseEntity<Map<String, Object>> predict(String model, String version, String routingKey, String requestIdHeader,
                                                        Payload payload) {
        String requestId = requestId(requestIdHeader);
        Answer answer = predictions.predict(new InferenceRequest(requestId, model, version, routingKey, payload));
        Scores scores = answer.scores().get(0);
        Map<String, Float> probabilities = new LinkedHashMap<>();
        for (int i = 0; i < answer.classNames().size(); i++) {
            probabilities.put(answer.classNames().get(i), scores.probabilities()[i]);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("requestId", requestId);
        body.put("model", model);
        body.put("modelVersion", answer.version());
        body.put("role", answer.role().name());
        body.put("label", scores.label());
        body.put("confidence", scores.confidence());
        body.put("probabilities", probabilities);
        body.put("batchSize", answer.batchSize());
        return ResponseEntity.ok().header(VERSION_HEADER, answer.version()).header(REQUEST_ID_HEADER, requestId).body(body);
    }

    @PostMapping(path = "/models/{model}/feedback", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> feedback(@PathVariable String model, @RequestBody(required = false) Map<String, Object> body) {
        routes(model);
        if (body == null || !(body.get("requestId") instanceof String requestId) || !RequestIds.safe(requestId)) {
            throw new InvalidInputException("'requestId' must be the id of an earlier request (1-128 letters, digits, . _ : # -)");
        }
        if (!(body.get("trueLabel") instanceof String trueLabel) || trueLabel.isBlank() || trueLabel.length() > 256) {
            throw new InvalidInputException("'trueLabel' must be a class name");
        }
        List<String> known = new ArrayList<>();
        host.versions(model).stream().filter(v -> v.info() != null).forEach(v -> known.addAll(v.info().classNames()));
        if (!known.isEmpty() && !known.contains(trueLabel)) {
            throw new InvalidInputException("'" + trueLabel + "' is not a class of " + model + " " + known.stream().distinct().toList());
        }
        boolean queued = feedback.publish(model, requestId, trueLabel);
        if (!queued) {
            throw new io.sluice.inference.domain.UnavailableException("the feedback buffer is full",
                    io.sluice.inference.domain.UnavailableException.Reason.QUEUE_FULL, java.time.Duration.ofSeconds(1));
        }
        return ResponseEntity.accepted().body(Map.of("accepted", true, "requestId", requestId, "model", model));
    }

    private ModelRoutes routes(String model) {
        return table.get(model).orElseThrow(() -> new UnknownModelException("unknown model '" + model + "'"));
    }

    private static String requestId(String given) {
        return RequestIds.of(given);
    }
}
