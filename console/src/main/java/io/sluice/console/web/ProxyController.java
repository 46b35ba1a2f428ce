package io.sluice.console.web;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import io.sluice.console.ConsoleProperties;
import io.sluice.platform.events.EventJson;

/**
 * The console's buttons: release commands go to the deployment service with the console's admin
 * token (the interceptor has checked that the user is an admin), predictions to the inference
 * service. Replies are passed through with their status; an unreachable service is a 502.
 */
@RestController
@RequestMapping("/api")
class ProxyController {

    static final Set<String> ACTIONS = Set.of("promote", "rollback", "pause", "resume");

    private final ConsoleProperties properties;
    private final String adminToken;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    ProxyController(ConsoleProperties properties, ConsoleTokens tokens) {
        this.properties = properties;
        this.adminToken = tokens.admin();
    }

    @PostMapping("/deployments/{model}/{action}")
    ResponseEntity<String> release(@PathVariable String model, @PathVariable String action,
                                   @RequestBody(required = false) Map<String, Object> body) {
        if (!ACTIONS.contains(action)) {
            return json(404, Map.of("message", "no action " + action + "; one of " + ACTIONS));
        }
        Object reason = body == null ? null : body.get("reason");
        String payload = EventJson.write(reason == null ? Map.of() : Map.of("reason", reason.toString()));
        URI uri = URI.create(base(properties.deploymentUrl()) + "/deployments/" + encode(model) + "/" + action);
        return forward(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(payload)), "deployment");
    }

    @PostMapping(path = "/predict/{model}", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<String> predict(@PathVariable String model, @RequestParam("file") MultipartFile file) throws IOException {
        String boundary = "sluice-" + UUID.randomUUID();
        String name = file.getOriginalFilename() == null ? "input" : file.getOriginalFilename().replaceAll("[\"\\r\\n]", "");
        String type = file.getContentType() == null ? "application/octet-stream" : file.getContentType().replaceAll("[\\r\\n]", "");
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\nContent-Type: "
                + type + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] content = file.getBytes();
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] multipart = new byte[head.length + content.length + tail.length];
        System.arraycopy(head, 0, multipart, 0, head.length);
        System.arraycopy(content, 0, multipart, head.length, content.length);
        System.arraycopy(tail, 0, multipart, head.length + content.length, tail.length);
        URI uri = URI.create(base(properties.inferenceUrl()) + "/v2/models/" + encode(model) + "/predict");
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart));
        if (!properties.inferenceApiKey().isBlank()) {
            request.header("X-API-Key", properties.inferenceApiKey());
        }
        return forward(request, "inference");
    }

    private ResponseEntity<String> forward(HttpRequest.Builder request, String service) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).header("Accept", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            String body = response.body() == null || response.body().isBlank() ? "{}" : response.body();
            return ResponseEntity.status(response.statusCode()).contentType(MediaType.APPLICATION_JSON).body(body);
        } catch (IOException e) {
            return json(502, Map.of("message", "the " + service + " service cannot be reached: " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return json(503, Map.of("message", "interrupted"));
        }
    }

    private static ResponseEntity<String> json(int status, Map<String, Object> body) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(EventJson.write(body));
    }

    private static String base(URI uri) {
        String s = uri.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
