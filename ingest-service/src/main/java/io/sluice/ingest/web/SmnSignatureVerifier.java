package io.sluice.ingest.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Verifies the signature Huawei SMN puts on every HTTP(S) message (signature version v1): the
 * message's fields — {@code message, message_id, subject (when not empty), timestamp, topic_urn,
 * type} for a notification, {@code message, message_id, subscribe_url, timestamp, topic_urn, type}
 * for a (un)subscription confirmation — in that (alphabetical) order, each name and each value on a
 * line of its own, signed with the key of SMN's signing certificate, base64 in {@code signature}.
 * The certificate is configured locally (nothing is fetched from {@code signing_cert_url}); as in
 * SMN's sample code, the certificate's signature algorithm (e.g. SHA256withRSA) verifies the message.
 * Since SMN signs every tenant's messages with the same key, an optional list of topic URNs pins
 * the topics that may notify this service.
 */
final class SmnSignatureVerifier {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final List<String> NOTIFICATION_FIELDS = List.of("message", "message_id", "subject", "timestamp", "topic_urn", "type");
    private static final List<String> SUBSCRIPTION_FIELDS = List.of("message", "message_id", "subscribe_url", "timestamp", "topic_urn",
            "type");

    private final X509Certificate certificate;
    private final Set<String> topicUrns;

    /**
     * @param certificate SMN's signing certificate
     * @param topicUrns   topics whose messages are accepted; empty accepts any topic
     */
    SmnSignatureVerifier(X509Certificate certificate, List<String> topicUrns) {
        this.certificate = certificate;
        this.topicUrns = Set.copyOf(topicUrns);
    }

    /** A verifier for a PEM certificate given inline ({@code -----BEGIN CERTIFICATE-----…}) or as a file path. */
    static SmnSignatureVerifier fromPem(String pemOrPath, List<String> topicUrns) {
        byte[] pem;
        if (pemOrPath.strip().startsWith("-----BEGIN")) {
            pem = pemOrPath.strip().getBytes(StandardCharsets.US_ASCII);
        } else {
            try {
                pem = Files.readAllBytes(Path.of(pemOrPath.strip()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the SMN signing certificate " + pemOrPath.strip(), e);
            }
        }
        try {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem));
            return new SmnSignatureVerifier(certificate, topicUrns);
        } catch (CertificateException | ClassCastException e) {
            throw new IllegalArgumentException("sluice.ingest.webhooks.smn-signing-cert is not an X.509 certificate in PEM: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Why an SMN message does not pass.
     *
     * @param unauthenticated true when the signature is missing (401), false when it is wrong (403)
     * @param reason          for the caller, without secrets
     */
    record Refusal(boolean unauthenticated, String reason) {}

    /** Null when the body is an SMN message signed with the configured certificate's key, else why not. */
    Refusal refusal(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            return new Refusal(true, "missing SMN signature: the body is not an SMN message");
        }
        if (root == null || !root.isObject() || !root.hasNonNull("signature")) {
            return new Refusal(true, "missing SMN signature: the body has no 'signature' field");
        }
        String version = text(root, "signature_version");
        if (!"v1".equalsIgnoreCase(version)) {
            return new Refusal(false, "unsupported SMN signature_version '" + clip(version) + "' (v1 is supported)");
        }
        String type = text(root, "type");
        List<String> fields = switch (type == null ? "" : type) {
            case "Notification" -> NOTIFICATION_FIELDS;
            case "SubscriptionConfirmation", "UnsubscribeConfirmation" -> SUBSCRIPTION_FIELDS;
            default -> null;
        };
        if (fields == null) {
            return new Refusal(false, "SMN message type '" + clip(type) + "' cannot be verified");
        }
        StringBuilder signed = new StringBuilder();
        for (String field : fields) {
            String value = text(root, field);
            if (field.equals("subject") && (value == null || value.isEmpty())) {
                continue; // an empty subject is not signed
            }
            if (value == null) {
                return new Refusal(false, "SMN message has no '" + field + "': its signature cannot be verified");
            }
            signed.append(field).append('\n').append(value).append('\n');
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(text(root, "signature").replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            return new Refusal(false, "invalid SMN signature: not base64");
        }
        try {
            Signature verifier = Signature.getInstance(certificate.getSigAlgName());
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(signed.toString().getBytes(StandardCharsets.UTF_8));
            if (!verifier.verify(signature)) {
                return new Refusal(false, "invalid SMN signature");
            }
        } catch (GeneralSecurityException e) {
            return new Refusal(false, "invalid SMN signature: " + e.getClass().getSimpleName());
        }
        String topic = text(root, "topic_urn");
        if (!topicUrns.isEmpty() && !topicUrns.contains(topic)) {
            return new Refusal(false, "SMN topic '" + clip(topic) + "' is not one of sluice.ingest.webhooks.smn-topic-urns");
        }
        return null;
    }

    private static String text(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node == null || node.isNull() ? null : node.isString() ? node.asString() : node.toString();
    }

    private static String clip(String value) {
        return value == null ? "" : value.length() > 80 ? value.substring(0, 80) + "…" : value;
    }
}
