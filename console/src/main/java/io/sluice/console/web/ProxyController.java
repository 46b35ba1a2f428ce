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

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import io.sluice.console.ConsoleProperties;
import io.sluice.platform.events.EventJson;
import io.sluice.platform.security.Caller;
import io.sluice.platform.security.SessionTokens;

/**
 * The console's buttons: release commands go to the deployment service, registry commands (aliases, blocks, notes) to
 * the evaluation service, predictions to the inference service, each
 * with a short-lived signed session of the signed-in user (never a key of the console's own), so those services check
 * that user's role themselves and the deployment audit names them ({@code admin:alice via console}). Replies are
 * passed through with their status; an unreachable service is a 502 problem detail.
 */
@RestController
@RequestMapping("/api")
class ProxyController {

    static final Set<String> ACTIONS = Set.of("promote", "rollback", "pause", "resume");
    static final Set<String> REGISTRY_ACTIONS = Set.of("block", "unblock", "annotate");

    /** How long a forwarded session lives: one call. */
    private static final Duration FORWARDED = Duration.ofMinutes(1);

    private final ConsoleProperties properties;
    private final SessionTokens sessions;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    ProxyController(ConsoleProperties properties, SessionTokens sessions) {
        this.properties = properties;
        this.sessions = sessions;
    }

    /** The signed-in user as a session the other services verify. */
    private String forwarded(Authentication authentication) {
        Caller caller = SessionController.caller(authentication).orElseThrow(() -> new IllegalStateException("security let an anonymous call in"));
        return "Bearer " + sessions.issue(new Caller(caller.name(), caller.role(), null), FORWARDED, "console");
    }

    @PostMapping("/deployments/{model}/{action}")
    ResponseEntity<String> release(@PathVariable String model, @PathVariable String action,
                                   @RequestBody(required = false) Map<String, Object> body, Authentication user) {
        if (!ACTIONS.contains(action)) {
            return problem(HttpStatus.NOT_FOUND, "no action " + action + "; one of " + ACTIONS);
        }
        Object reason = body == null ? null : body.get("reason");
        String payload = EventJson.write(reason == null ? Map.of() : Map.of("reason", reason.toString()));
        URI uri = URI.create(base(properties.deploymentUrl()) + "/deployments/" + encode(model) + "/" + action);
        return forward(HttpRequest.newBuilder(uri).header("Authorization", forwarded(user))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(payload)), "deployment");
    }

    @PostMapping("/registry/{model}/aliases/{alias}")
    ResponseEntity<String> setAlias(@PathVariable String model, @PathVariable String alias, @RequestBody(required = false) Map<String, Object> body,
                                    Authentication user) {
        return registry("/models/" + encode(model) + "/aliases/" + encode(alias), body, user);
    }

    @PostMapping("/registry/{model}/aliases/{alias}/remove")
    ResponseEntity<String> removeAlias(@PathVariable String model, @PathVariable String alias,
                                       @RequestBody(required = false) Map<String, Object> body, Authentication user) {
        return registry("/models/" + encode(model) + "/aliases/" + encode(alias) + "/remove", body, user);
    }

    @PostMapping("/registry/{model}/versions/{version}/{action}")
    ResponseEntity<String> changeVersion(@PathVariable String model, @PathVariable String version, @PathVariable String action,
                                         @RequestBody(required = false) Map<String, Object> body, Authentication user) {
        if (!REGISTRY_ACTIONS.contains(action)) {
            return problem(HttpStatus.NOT_FOUND, "no registry action " + action + "; one of " + REGISTRY_ACTIONS);
        }
        return registry("/models/" + encode(model) + "/versions/" + encode(version) + "/" + action, body, user);
    }

    /** Forwards a registry command with only its {@code version} and {@code reason} (strings), as the signed-in user. */
    private ResponseEntity<String> registry(String path, Map<String, Object> body, Authentication user) {
        Map<String, String> payload = new java.util.LinkedHashMap<>();
        for (String field : new String[] {"version", "reason"}) {
            Object value = body == null ? null : body.get(field);
            if (value != null) {
                payload.put(field, value.toString());
            }
        }
        URI uri = URI.create(base(properties.evaluationUrl()) + path);
        return forward(HttpRequest.newBuilder(uri).header("Authorization", forwarded(user))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(EventJson.write(payload))), "evaluation");
    }

    @PostMapping(path = "/predict/{model}", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<String> predict(@PathVariable String model, @RequestParam("file") MultipartFile file, Authentication user)
            throws IOException {
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
            request.header("X-API-Key", properties.inferenceApiKey()); // the console's client key where inference requires one
        } else {
            request.header("Authorization", forwarded(user)); // else the user's session (inference verifies it when keys are on)
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
            return problem(HttpStatus.BAD_GATEWAY, "the " + service + " service cannot be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return problem(HttpStatus.SERVICE_UNAVAILABLE, "interrupted");
        }
    }

    private static ResponseEntity<String> problem(HttpStatus status, String detail) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(EventJson.write(Map.of(
                "type", "about:blank", "title", status.getReasonPhrase(), "status", status.value(), "detail", detail)));
    }

    private static String base(URI uri) {
        String s = uri.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
