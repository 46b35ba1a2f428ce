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
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.RestController;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.ingest.domain.NotificationIntake;
import io.sluice.ingest.notifications.MalformedNotificationException;
import io.sluice.ingest.notifications.Notification;
import io.sluice.ingest.notifications.NotificationParser;
import io.sluice.platform.security.Caller;
import io.sluice.platform.security.LogSafe;
import io.sluice.platform.security.Problems;
import io.sluice.platform.security.Role;

/**
 * The provider webhooks: {@code POST /notifications/gcs} (Pub/Sub push), {@code /s3} (S3/MinIO
 * records, or an Amazon SNS message carrying them), {@code /obs} (OBS through SMN) and {@code /cloudevents}. 200 with
 * what was accepted;
 * refusals are problem details: 400 with the reason for a malformed body, 401 without a webhook key
 * or valid HMAC signature (or, when SMN signatures are checked, without an SMN signature; an SNS message without
 * one), 403 with a wrong SMN or SNS signature (or an SNS topic or certificate host not accepted), 413 when too large.
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
    private final WebhookConfiguration.SnsMessages sns;

    NotificationController(NotificationParser parser, NotificationIntake intake, WebhookAuthenticator authenticator,
                           SubscriptionConfirmer confirmer, MeterRegistry meters, WebhookLimits limits,
                           WebhookConfiguration.SmnSignatures smnSignatures, WebhookConfiguration.SnsMessages sns) {
        this.parser = parser;
        this.intake = intake;
        this.authenticator = authenticator;
        this.confirmer = confirmer;
        this.meters = meters;
        this.maxBodyBytes = limits.maxBodyBytes();
        this.smnSignatures = smnSignatures.verifier();
        this.sns = sns;
    }

    @PostMapping("/notifications/{provider}")
    ResponseEntity<?> receive(@PathVariable String provider,
                                                InputStream body,
                                                @RequestHeader(name = WebhookAuthenticator.SIGNATURE_HEADER, required = false) String signature,
                                                @RequestHeader(name = "X-SMN-MESSAGE-TYPE", required = false) String smnType,
                                                @RequestHeader(name = SnsMessageVerifier.TYPE_HEADER, required = false) String snsType,
                                                Authentication caller) throws IOException {
        if (!switch (provider) { case "gcs", "s3", "obs", "cloudevents" -> true; default -> false; }) {
            return refuse(provider, HttpStatus.NOT_FOUND, "unknown provider; use gcs, s3, obs or cloudevents");
        }
        byte[] content = body.readNBytes(maxBodyBytes + 1); // never buffer more than the limit
        if (content.length > maxBodyBytes) {
            return refuse(provider, HttpStatus.CONTENT_TOO_LARGE, "body exceeds " + maxBodyBytes + " bytes");
        }
        boolean smnSigned = false;
        if (smnSignatures != null && provider.equals("obs")) {
            SmnSignatureVerifier.Refusal unsigned = smnSignatures.refusal(content);
            if (unsigned != null) {
                log.debug("refused an SMN message: {}", LogSafe.text(unsigned.reason()));
                return refuse(provider, unsigned.unauthenticated() ? HttpStatus.UNAUTHORIZED : HttpStatus.FORBIDDEN, unsigned.reason());
            }
            smnSigned = true; // SMN's signature over the message, from a pinned topic, is the provider's own credential
        }
        if (provider.equals("s3") && snsType != null) {
            return receiveSns(content);
        }
        boolean keyHolder = caller != null && caller.getPrincipal() instanceof Caller who && who.role().includes(Role.WEBHOOK);
        String refusal = smnSigned ? null : authenticator.refusal(keyHolder, signature, content);
        if (refusal != null) {
            return refuse(provider, HttpStatus.UNAUTHORIZED, refusal);
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
            log.debug("malformed {} notification: {}", provider, LogSafe.text(e.getMessage()));
            return refuse(provider, HttpStatus.BAD_REQUEST, e.getMessage());
        }
        Map<String, Object> result = new LinkedHashMap<>();
        if (notification.confirmation() != null) {
            result.put("subscription", confirmer.confirm(notification.confirmation()));
        }
        return forward(provider, notification, result);
    }

    /**
     * An SNS message (header {@value SnsMessageVerifier#TYPE_HEADER}): its signature, from an accepted topic, is the
     * credential; a notification's {@code Message} holds the S3 event records.
     */
    private ResponseEntity<?> receiveSns(byte[] content) {
        String provider = "s3";
        if (sns.verifier() == null) {
            return refuse(provider, HttpStatus.FORBIDDEN,
                    "SNS messages are not accepted: no topic in sluice.ingest.webhooks.sns.topic-arns");
        }
        SnsMessageVerifier.Outcome outcome = sns.verifier().verify(content);
        if (outcome instanceof SnsMessageVerifier.Refused refused) {
            log.debug("refused an SNS message: {}", LogSafe.text(refused.reason()));
            return refuse(provider, refused.status(), refused.reason());
        }
        if (!(outcome instanceof SnsMessageVerifier.Verified message)) {
            throw new IllegalStateException("an SNS outcome is Refused or Verified, not " + outcome);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        switch (message.type()) {
            case "Notification" -> {
                Notification notification;
                try {
                    notification = parser.s3(message.message().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                } catch (MalformedNotificationException e) {
                    log.debug("malformed S3 notification in an SNS message: {}", LogSafe.text(e.getMessage()));
                    return refuse(provider, HttpStatus.BAD_REQUEST, "SNS Message: " + e.getMessage());
                }
                return forward(provider, notification, result);
            }
            case "SubscriptionConfirmation" -> result.put("subscription",
                    sns.confirmer().confirm(new Notification.SubscriptionConfirmation(message.topicArn(), message.subscribeUrl())));
            default -> {
                log.info("SNS subscription of topic {} ended (UnsubscribeConfirmation)", LogSafe.text(message.topicArn()));
                result.put("subscription", "unsubscribed");
            }
        }
        result.put("accepted", 0);
        result.put("ignored", 0);
        return answer(provider, HttpStatus.OK, result);
    }

    private ResponseEntity<?> forward(String provider, Notification notification, Map<String, Object> result) {
        NotificationIntake.Result accepted;
        try {
            accepted = intake.accept(notification.events()); // forwarded to the dataset's owner through Kafka
        } catch (RuntimeException e) {
            log.warn("could not forward {} notification(s) to Kafka: {}", notification.events().size(), LogSafe.text(e));
            result.put("error", "notifications could not be forwarded, send them again: " + e.getMessage());
            return answer(provider, HttpStatus.SERVICE_UNAVAILABLE, result);
        }
        result.put("accepted", accepted.accepted());
        result.put("ignored", accepted.ignored());
        return answer(provider, HttpStatus.OK, result);
    }

    private ResponseEntity<?> answer(String provider, HttpStatus status, Map<String, Object> body) {
        count(provider, status);
        return ResponseEntity.status(status).body(body);
    }

    /** A refusal as a problem detail (RFC 9457) with the reason in {@code detail}. */
    private ResponseEntity<?> refuse(String provider, HttpStatus status, String reason) {
        count(provider, status);
        ResponseEntity.BodyBuilder refusal = ResponseEntity.status(status);
        if (status == HttpStatus.UNAUTHORIZED) {
            refusal.header("WWW-Authenticate", "Bearer");
        }
        return refusal.body(Problems.of(status, reason, null));
    }

    private void count(String provider, HttpStatus status) {
        meters.counter("sluice.ingest.webhook.requests", "provider", provider.length() > 20 ? "other" : provider,
                "status", String.valueOf(status.value())).increment();
    }

    /**
     * Webhook limits.
     *
     * @param maxBodyBytes larger bodies are refused
     */
    record WebhookLimits(int maxBodyBytes) {}
}
