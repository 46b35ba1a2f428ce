package io.sluice.ingest.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.ingest.domain.DatasetTracker;
import io.sluice.ingest.domain.NotificationIntake;
import io.sluice.ingest.domain.RawBucket;
import io.sluice.ingest.notifications.NotificationParser;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * SMN's v1 message signatures, checked against a certificate made here with keytool: real-format
 * SMN messages signed with its key pass, tampered, unsigned or foreign-topic ones do not — through
 * the verifier and through {@code POST /notifications/obs}.
 */
class SmnSignatureVerifierTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path dir;
    static PrivateKey key;
    static X509Certificate certificate;
    static String pem;

    @BeforeAll
    static void createSigningCertificate() throws Exception {
        Path store = dir.resolve("smn.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "smn", "-keyalg", "RSA", "-keysize", "2048", "-sigalg", "SHA256withRSA",
                "-dname", "CN=smn.test.example", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        key = (PrivateKey) keys.getKey("smn", "changeit".toCharArray());
        certificate = (X509Certificate) keys.getCertificate("smn");
        pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n";
    }

    /** A sample SMN message with its signature replaced by one made with the test key over the documented string. */
    private static ObjectNode signed(String sample) throws Exception {
        ObjectNode message = (ObjectNode) JSON.readTree(sample(sample));
        String toSign = "Notification".equals(message.get("type").asString())
                ? "message\n" + message.get("message").asString() + "\nmessage_id\n" + message.get("message_id").asString()
                        + "\nsubject\n" + message.get("subject").asString() + "\ntimestamp\n" + message.get("timestamp").asString()
                        + "\ntopic_urn\n" + message.get("topic_urn").asString() + "\ntype\n" + message.get("type").asString() + "\n"
                : "message\n" + message.get("message").asString() + "\nmessage_id\n" + message.get("message_id").asString()
                        + "\nsubscribe_url\n" + message.get("subscribe_url").asString() + "\ntimestamp\n"
                        + message.get("timestamp").asString() + "\ntopic_urn\n" + message.get("topic_urn").asString() + "\ntype\n"
                        + message.get("type").asString() + "\n";
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(key);
        signer.update(toSign.getBytes(StandardCharsets.UTF_8));
        message.put("signature", Base64.getEncoder().encodeToString(signer.sign()));
        return message;
    }

    private static byte[] sample(String name) throws Exception {
        try (InputStream in = SmnSignatureVerifierTests.class.getResourceAsStream("/notifications/" + name)) {
            return in.readAllBytes();
        }
    }

    private static byte[] bytes(ObjectNode message) {
        return JSON.writeValueAsBytes(message);
    }

    @Test
    void acceptsSignedNotificationsAndSubscriptionConfirmations() throws Exception {
        SmnSignatureVerifier verifier = SmnSignatureVerifier.fromPem(pem, List.of());

        assertThat(verifier.refusal(bytes(signed("obs-smn-notification.json")))).isNull();
        assertThat(verifier.refusal(bytes(signed("obs-smn-subscription-confirmation.json")))).isNull();
    }

    @Test
    void refusesATamperedMessage() throws Exception {
        SmnSignatureVerifier verifier = SmnSignatureVerifier.fromPem(pem, List.of());
        ObjectNode message = signed("obs-smn-notification.json");
        message.put("message", message.get("message").asString().replace("datasets/asl/_SUCCESS", "datasets/evil/_SUCCESS"));
        ObjectNode otherTopic = signed("obs-smn-notification.json").put("topic_urn", "urn:smn:eu-de:0000:other");

        assertThat(verifier.refusal(bytes(message))).isEqualTo(new SmnSignatureVerifier.Refusal(false, "invalid SMN signature"));
        assertThat(verifier.refusal(bytes(otherTopic))).isEqualTo(new SmnSignatureVerifier.Refusal(false, "invalid SMN signature"));
        // the sample's own signature was made with Huawei's key, not the configured one
        assertThat(verifier.refusal(sample("obs-smn-notification.json")).reason()).startsWith("invalid SMN signature");
    }

    @Test
    void refusesUnsignedOrUnverifiableMessagesWithTheReason() throws Exception {
        SmnSignatureVerifier verifier = SmnSignatureVerifier.fromPem(pem, List.of());
        ObjectNode unsigned = signed("obs-smn-notification.json");
        unsigned.remove("signature");

        assertThat(verifier.refusal(bytes(unsigned))).isEqualTo(new SmnSignatureVerifier.Refusal(true,
                "missing SMN signature: the body has no 'signature' field"));
        assertThat(verifier.refusal(sample("obs-records-v3.json")).unauthenticated()).isTrue();
        assertThat(verifier.refusal("not json".getBytes(StandardCharsets.UTF_8)).unauthenticated()).isTrue();
        assertThat(verifier.refusal(bytes(signed("obs-smn-notification.json").put("signature_version", "v2"))).reason())
                .isEqualTo("unsupported SMN signature_version 'v2' (v1 is supported)");
        assertThat(verifier.refusal(bytes(signed("obs-smn-notification.json").put("signature", "%%%"))).reason())
                .isEqualTo("invalid SMN signature: not base64");
        ObjectNode noTimestamp = signed("obs-smn-notification.json");
        noTimestamp.remove("timestamp");
        assertThat(verifier.refusal(bytes(noTimestamp)).reason()).contains("no 'timestamp'");
    }

    @Test
    void acceptsOnlyTheConfiguredTopicsWhenTheyAreListed() throws Exception {
        ObjectNode message = signed("obs-smn-notification.json");
        String topic = message.get("topic_urn").asString();

        assertThat(SmnSignatureVerifier.fromPem(pem, List.of(topic)).refusal(bytes(message))).isNull();
        assertThat(SmnSignatureVerifier.fromPem(pem, List.of("urn:smn:eu-de:0000:mine")).refusal(bytes(message)).reason())
                .isEqualTo("SMN topic '" + topic + "' is not one of sluice.ingest.webhooks.smn-topic-urns");
    }

    @Test
    void readsTheCertificateFromAFileAndRefusesSomethingElse() throws Exception {
        Path file = Files.writeString(dir.resolve("smn.pem"), pem);

        assertThat(SmnSignatureVerifier.fromPem(file.toString(), List.of()).refusal(bytes(signed("obs-smn-notification.json")))).isNull();
        assertThatThrownBy(() -> SmnSignatureVerifier.fromPem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("smn-signing-cert");
    }

    @Test
    void theObsWebhookAnswers200ForASignedMessage401WithoutASignatureAnd403ForAWrongOne() throws Exception { // the signature authenticates
        try (DatasetTracker tracker = new DatasetTracker(Duration.ofHours(1), Clock.systemUTC(), (d, m) -> { }, Duration.ofHours(1))) {
            NotificationController controller = new NotificationController(new NotificationParser(),
                    new NotificationIntake(new RawBucket(URI.create("obs://sluice-prod-raw-data/")), tracker, (event, key) -> { }),
                    new WebhookAuthenticator("", false), new SubscriptionConfirmer(false, List.of()), new SimpleMeterRegistry(),
                    new NotificationController.WebhookLimits(1 << 20),
                    new WebhookConfiguration.SmnSignatures(SmnSignatureVerifier.fromPem(pem, List.of())),
                    new WebhookConfiguration.SnsMessages(null, null));
            ObjectNode good = signed("obs-smn-notification.json");
            ObjectNode unsigned = good.deepCopy();
            unsigned.remove("signature");
            ObjectNode tampered = good.deepCopy().put("timestamp", "2020-07-10T09:24:12Z");

            ResponseEntity<?> accepted = post(controller, bytes(good));
            assertThat(accepted.getStatusCode()).isEqualTo(HttpStatus.OK);
            assertThat(((Map<?, ?>) accepted.getBody()).get("accepted")).isEqualTo(1);
            assertThat(post(controller, bytes(unsigned)).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
            ResponseEntity<?> forged = post(controller, bytes(tampered));
            assertThat(forged.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
            assertThat(((org.springframework.http.ProblemDetail) forged.getBody()).getDetail()).isEqualTo("invalid SMN signature");
        }
    }

    private static ResponseEntity<?> post(NotificationController controller, byte[] body) throws Exception {
        return controller.receive("obs", new ByteArrayInputStream(body), null, null, null, null);
    }

    @Test
    void isOffByDefaultAndOnWhenTheSigningCertificateIsConfigured() throws Exception {
        Path file = Files.writeString(dir.resolve("configured.pem"), pem);
        org.springframework.boot.test.context.runner.ApplicationContextRunner runner =
                new org.springframework.boot.test.context.runner.ApplicationContextRunner()
                        .withUserConfiguration(Properties.class, WebhookConfiguration.class)
                        .withPropertyValues("sluice.ingest.raw-bucket=file:/tmp/raw/", "sluice.ingest.training-bucket=file:/tmp/training/");

        runner.run(context -> assertThat(context.getBean(WebhookConfiguration.SmnSignatures.class).verifier()).isNull());
        runner.withPropertyValues("sluice.ingest.webhooks.smn-signing-cert=" + file, "sluice.ingest.webhooks.smn-topic-urns=urn:smn:x:y:z")
                .run(context -> {
                    SmnSignatureVerifier verifier = context.getBean(WebhookConfiguration.SmnSignatures.class).verifier();
                    assertThat(verifier).isNotNull();
                    assertThat(verifier.refusal(bytes(signed("obs-smn-notification.json"))).reason()).contains("is not one of");
                });
    }

    /** Binds {@code sluice.ingest.*} as the application does. */
    @org.springframework.boot.context.properties.EnableConfigurationProperties(io.sluice.ingest.IngestProperties.class)
    static class Properties {}
}
