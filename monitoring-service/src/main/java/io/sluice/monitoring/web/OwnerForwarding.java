package io.sluice.monitoring.web;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

import io.sluice.monitoring.streams.MonitoringStores;
import io.sluice.platform.security.LogSafe;
import io.sluice.platform.security.Problems;

/**
 * Forwards {@code GET /monitoring/{model}} to the replica that holds the model's windows, with the caller's credentials
 * ({@code Authorization}, {@code X-API-Key}, the console's session cookie), and hands its answer back unchanged (status,
 * content type, body). The forwarded request carries {@value #FORWARDED}, so it is never forwarded again (while ownership
 * moves, the receiver answers from what it has). An owner that does not answer within 5 s is a 503 problem detail with
 * {@code Retry-After}: the model's windows are moving to another replica.
 */
@Component
class OwnerForwarding {

    /** Header of a request forwarded from another replica. */
    static final String FORWARDED = "X-Sluice-Forwarded";
    private static final List<String> CREDENTIALS = List.of(HttpHeaders.AUTHORIZATION, "X-API-Key", HttpHeaders.COOKIE);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(OwnerForwarding.class);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    static boolean forwarded(HttpServletRequest request) {
        return request.getHeader(FORWARDED) != null;
    }

    ResponseEntity<?> forward(MonitoringStores.Owner owner, String model, HttpServletRequest request) {
        URI uri = URI.create("http://" + owner.host() + ":" + owner.port() + "/monitoring/"
                + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20"));
        HttpRequest.Builder forward = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header(FORWARDED, "1").GET();
        for (String name : CREDENTIALS) {
            String value = request.getHeader(name);
            if (value != null) {
                forward.header(name, value);
            }
        }
        try {
            HttpResponse<byte[]> answer = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            ResponseEntity.BodyBuilder response = ResponseEntity.status(answer.statusCode());
            answer.headers().firstValue(HttpHeaders.CONTENT_TYPE).map(MediaType::parseMediaType).ifPresent(response::contentType);
            return response.body(answer.body());
        } catch (IOException e) {
            return unavailable(owner, model, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable(owner, model, "interrupted");
        }
    }

    private static ResponseEntity<ProblemDetail> unavailable(MonitoringStores.Owner owner, String model, String why) {
        log.warn("cannot reach {}:{}, which holds {}: {}", owner.host(), owner.port(), LogSafe.text(model), why);
        ProblemDetail problem = Problems.of(HttpStatus.SERVICE_UNAVAILABLE,
                "the replica holding model '" + model + "' does not answer; its windows move to another replica, try again", null);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5")
                .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
