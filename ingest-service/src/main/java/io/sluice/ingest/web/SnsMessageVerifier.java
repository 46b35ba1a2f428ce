package io.sluice.ingest.web;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.http.HttpStatus;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks an Amazon SNS HTTP(S) message as AWS documents it: the envelope ({@code Type} {@code Notification},
 * {@code SubscriptionConfirmation} or {@code UnsubscribeConfirmation}), a topic this service accepts, a
 * {@code SigningCertURL} over HTTPS on an allowed host (by default {@code sns.<region>.amazonaws.com}), and the
 * {@code Signature} — {@code SignatureVersion} 1 is SHA1withRSA, 2 SHA256withRSA — over SNS's canonical string: for a
 * notification {@code Message, MessageId, Subject (when present), Timestamp, TopicArn, Type}, for a (un)subscription
 * confirmation {@code Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type}, each name and each value on a
 * line of its own. Never throws for any input.
 */
final class SnsMessageVerifier {

    /** The header SNS sends with every message: its {@code Type}. */
    static final String TYPE_HEADER = "x-amz-sns-message-type";
    /** Hosts that SNS serves signing certificates and subscribe URLs from, unless configured otherwise. */
    static final String DEFAULT_HOSTS = "sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?";

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final List<String> NOTIFICATION_FIELDS = List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type");
    private static final List<String> SUBSCRIPTION_FIELDS = List.of("Message", "MessageId", "SubscribeURL", "Timestamp", "Token",
            "TopicArn", "Type");

    /** What a message came to. */
    sealed interface Outcome permits Verified, Refused {}

    /**
     * A message signed by SNS for an accepted topic.
     *
     * @param type         {@code Notification}, {@code SubscriptionConfirmation} or {@code UnsubscribeConfirmation}
     * @param topicArn     the topic
     * @param message      the message: for a notification the S3 event records
     * @param subscribeUrl for a confirmation, the URL that confirms it (holds a token: never log it); else null
     */
    record Verified(String type, String topicArn, String message, String subscribeUrl) implements Outcome {}

    /**
     * Why a message does not pass.
     *
     * @param status 400 malformed, 401 unsigned, 403 signed wrongly, from an unaccepted topic or certificate host
     * @param reason for the caller, without secrets
     */
    record Refused(HttpStatus status, String reason) implements Outcome {}

    private final Set<String> topicArns;
    private final Pattern hosts;
    private final SnsCertificates certificates;

    /**
     * @param topicArns    topics whose messages are accepted (SNS signs every account's messages with the same key, so
     *                     this is what keeps other accounts' topics out); never empty
     * @param hosts        pattern the whole host of {@code SigningCertURL} (and {@code SubscribeURL}) must match
     * @param certificates where the certificate of an allowed URL comes from
     */
    SnsMessageVerifier(List<String> topicArns, Pattern hosts, SnsCertificates certificates) {
        if (topicArns.isEmpty()) {
            throw new IllegalArgumentException("SNS messages need at least one accepted topic ARN");
        }
        this.topicArns = Set.copyOf(topicArns);
        this.hosts = hosts;
        this.certificates = certificates;
    }

    /** Whether a URL is HTTPS on an allowed SNS host (default port). */
    boolean allowedHost(String url) {
        try {
            URI uri = new URI(url);
            return "https".equals(uri.getScheme()) && uri.getHost() != null && uri.getPort() == -1 && uri.getRawUserInfo() == null
                    && hosts.matcher(uri.getHost().toLowerCase(Locale.ROOT)).matches();
        } catch (URISyntaxException | RuntimeException e) {
            return false;
        }
    }

    /** Checks a message body. */
    Outcome verify(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            return malformed("the body is not JSON");
        }
        if (root == null || !root.isObject()) {
            return malformed("the body is not a JSON object");
        }
        String type = text(root, "Type");
        List<String> signed = switch (type == null ? "" : type) {
            case "Notification" -> NOTIFICATION_FIELDS;
            case "SubscriptionConfirmation", "UnsubscribeConfirmation" -> SUBSCRIPTION_FIELDS;
            default -> null;
        };
        if (signed == null) {
            return malformed("'Type' is not Notification, SubscriptionConfirmation or UnsubscribeConfirmation");
        }
        StringBuilder canonical = new StringBuilder();
        for (String field : signed) {
            JsonNode value = root.get(field);
            if (field.equals("Subject") && (value == null || value.isNull())) {
                continue; // a notification without a subject signs no Subject line
            }
            if (value == null || !value.isString()) {
                return malformed("'" + field + "' is missing or not a string");
            }
            canonical.append(field).append('\n').append(value.asString()).append('\n');
        }
        for (String field : List.of("SignatureVersion", "SigningCertURL")) {
            if (!root.path(field).isString()) {
                return malformed("'" + field + "' is missing or not a string");
            }
        }
        if (!root.path("Signature").isString() || root.path("Signature").asString().isBlank()) {
            return new Refused(HttpStatus.UNAUTHORIZED, "missing SNS signature: the message has no 'Signature'");
        }
        String topic = text(root, "TopicArn");
        if (!topicArns.contains(topic)) {
            return forbidden("SNS topic '" + clip(topic) + "' is not one of sluice.ingest.webhooks.sns.topic-arns");
        }
        String algorithm = switch (text(root, "SignatureVersion")) {
            case "1" -> "SHA1withRSA";
            case "2" -> "SHA256withRSA";
            default -> null;
        };
        if (algorithm == null) {
            return forbidden("unsupported SNS SignatureVersion '" + clip(text(root, "SignatureVersion")) + "' (1 and 2 are)");
        }
        String certUrl = text(root, "SigningCertURL");
        if (!allowedHost(certUrl) || !URI.create(certUrl).getPath().endsWith(".pem")) {
            return forbidden("SigningCertURL is not an HTTPS .pem on a host allowed by sluice.ingest.webhooks.sns.hosts");
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(text(root, "Signature").replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            return forbidden("invalid SNS signature: not base64");
        }
        X509Certificate certificate;
        try {
            certificate = certificates.certificate(URI.create(certUrl));
            certificate.checkValidity();
        } catch (IOException | CertificateException | RuntimeException e) {
            return forbidden("the SNS signing certificate could not be used: " + clip(e.getMessage()));
        }
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(canonical.toString().getBytes(StandardCharsets.UTF_8));
            if (!verifier.verify(signature)) {
                return forbidden("invalid SNS signature");
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            return forbidden("invalid SNS signature: " + e.getClass().getSimpleName());
        }
        return new Verified(type, topic, text(root, "Message"), text(root, "SubscribeURL"));
    }

    private static Refused malformed(String reason) {
        return new Refused(HttpStatus.BAD_REQUEST, "malformed SNS message: " + reason);
    }

    private static Refused forbidden(String reason) {
        return new Refused(HttpStatus.FORBIDDEN, reason);
    }

    private static String text(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node == null || !node.isString() ? null : node.asString();
    }

    private static String clip(String value) {
        return value == null ? "" : value.length() > 80 ? value.substring(0, 80) + "…" : value;
    }
}
