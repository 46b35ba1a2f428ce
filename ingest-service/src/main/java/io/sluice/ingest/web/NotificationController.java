package io.sluice.ingest.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.ingest.domain.NotificationIntake;
import io.sluice.ingest.notifications.MalformedNotificationException;
import io.sluice.ingest.notifications.Notification;
import io.sluice.ingest.notifications.NotificationParser;

/**
 * The provider webhooks: {@code POST /notifications/gcs} (Pub/Sub push), {@code /s3} (S3/MinIO
 * records), {@code /obs} (OBS through SMN) and {@code /cloudevents}. 200 with what was accepted,
 * 400 with the reason for a malformed body, 401 without valid credentials (or, when SMN signatures
 * are checked, without an SMN signature), 403 with a wrong SMN signature, 413 when too large.
 */
@RestController
class NotificationController {

    private static final Logger log = LoggerFactory.getLogger(NotificationController.class);

    private final NotificationParser parser;
    private final NotificationIntake intake;
    private final WebhookAuthenticator authenticator;
    private final SubscriptionConfirmer confirmer;
    private final MeterRegistry meters;
    private final int maxBodyBytes;
    private final SmnSignatureVerifier smnSignatures;

    NotificationController(NotificationParser parser, NotificationIntake intake, WebhookAuthenticator authenticator,
                           SubscriptionConfirmer confirmer, MeterRegistry meters, WebhookLimits limits,
                           WebhookConfiguration.SmnSignatures smnSignatures) {
        this.parser = parser;
        this.intake = intake;
        this.authenticator = authenticator;
        this.confirmer = confirmer;
        this.meters = meters;
        this.maxBodyBytes = limits.maxBodyBytes();
        this.smnSignatures = smnSignatures.verifier();
    }

    @PostMapping("/notifications/{provider}")
    ResponseEntity<Map<String, Object>> receive(@PathVariable String provider,
                                                InputStream body,
                                                @RequestHeader(name = WebhookAuthenticator.TOKEN_HEADER, required = false) String tokenHeader,
                                                @RequestHeader(name = "Authorization", required = false) String authorization,
                                                @RequestHeader(name = WebhookAuthenticator.SIGNATURE_HEADER, required = false) String signature,
                                                @RequestHeader(name = "X-SMN-MESSAGE-TYPE", required = false) String smnType,
                                                @RequestParam(name = "token", required = false) String tokenParam) throws IOException {
        if (!switch (provider) { case "gcs", "s3", "obs", "cloudevents" -> true; default -> false; }) {
            return answer(provider, HttpStatus.NOT_FOUND, Map.of("error", "unknown provider; use gcs, s3, obs or cloudevents"));
        }
        byte[] content = body.readNBytes(maxBodyBytes + 1); // never buffer more than the limit
        if (content.length > maxBodyBytes) {
            return answer(provider, HttpStatus.PAYLOAD_TOO_LARGE, Map.of("error", "body exceeds " + maxBodyBytes + " bytes"));
        }
        String token = tokenHeader != null ? tokenHeader
                : authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).trim()
                : tokenParam;
        String refusal = authenticator.refusal(token, signature, content);
        if (refusal != null) {
            return answer(provider, HttpStatus.UNAUTHORIZED, Map.of("error", refusal));
        }
        if (smnSignatures != null && provider.equals("obs")) {
            SmnSignatureVerifier.Refusal unsigned = smnSignatures.refusal(content);
            if (unsigned != null) {
                log.debug("refused an SMN message: {}", unsigned.reason());
                return answer(provider, unsigned.unauthenticated() ? HttpStatus.UNAUTHORIZED : HttpStatus.FORBIDDEN,
                        Map.of("error", unsigned.reason()));
            }
        }
        Notification notification;
        try {
            notification = switch (provider) {
                case "gcs" -> parser.gcs(content);
                case "s3" -> parser.s3(content);
                case "obs" -> parser.obs(content, smnType);
                default -> parser.cloudEvents(content);
            };
        } catch (MalformedNotificationException e) {
            log.debug("malformed {} notification: {}", provider, e.getMessage());
            return answer(provider, HttpStatus.BAD_REQUEST, Map.of("error", e.getMessage()));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        if (notification.confirmation() != null) {
            result.put("subscription", confirmer.confirm(notification.confirmation()));
        }
        NotificationIntake.Result accepted;
        try {
            accepted = intake.accept(notification.events()); // forwarded to the dataset's owner through Kafka
        } catch (RuntimeException e) {
            log.warn("could not forward {} notification(s) to Kafka: {}", notification.events().size(), e.toString());
            result.put("error", "notifications could not be forwarded, send them again: " + e.getMessage());
            return answer(provider, HttpStatus.SERVICE_UNAVAILABLE, result);
        }
        result.put("accepted", accepted.accepted());
        result.put("ignored", accepted.ignored());
        return answer(provider, HttpStatus.OK, result);
    }

    private ResponseEntity<Map<String, Object>> answer(String provider, HttpStatus status, Map<String, Object> body) {
        meters.counter("sluice.ingest.webhook.requests", "provider", provider.length() > 20 ? "other" : provider,
                "status", String.valueOf(status.value())).increment();
        return ResponseEntity.status(status).body(body);
    }

    /**
     * Webhook limits.
     *
     * @param maxBodyBytes larger bodies are refused
     */
    record WebhookLimits(int maxBodyBytes) {}
}
