package io.sluice.ingest.web;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.springframework.http.ResponseEntity;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.ingest.domain.DatasetTracker;
import io.sluice.ingest.domain.NotificationIntake;
import io.sluice.ingest.domain.ObjectEvent;
import io.sluice.ingest.domain.RawBucket;
import io.sluice.ingest.notifications.NotificationParser;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A signing certificate minted here with keytool (standing in for SNS's), SNS messages in AWS's documented format signed
 * with its key, and a webhook controller that accepts them from one topic.
 */
final class SnsFixture {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String TOPIC = "arn:aws:sns:us-west-2:123456789012:sluice-raw-data";
    static final String CERT_URL = "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem";
    static final PrivateKey KEY;
    static final X509Certificate CERTIFICATE;
    static final String PEM;

    static {
        try {
            Path dir = Files.createTempDirectory("sns-test");
            Path store = dir.resolve("sns.p12");
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "sns", "-keyalg", "RSA", "-keysize", "2048", "-sigalg", "SHA256withRSA",
                    "-dname", "CN=sns.amazonaws.com", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                    "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
            String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keys.load(in, "changeit".toCharArray());
            }
            KEY = (PrivateKey) keys.getKey("sns", "changeit".toCharArray());
            CERTIFICATE = (X509Certificate) keys.getCertificate("sns");
            PEM = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(CERTIFICATE.getEncoded()) + "\n-----END CERTIFICATE-----\n";
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private SnsFixture() {}

    /** The verifier the service builds for {@link #TOPIC} with the local certificate. */
    static SnsMessageVerifier verifier() {
        return new SnsMessageVerifier(List.of(TOPIC), Pattern.compile(SnsMessageVerifier.DEFAULT_HOSTS), SnsCertificates.local(PEM));
    }

    /** An SNS notification carrying the S3 sample {@code s3-put.json}, signed with the given version. */
    static ObjectNode notification(String signatureVersion) {
        ObjectNode message = JSON.createObjectNode()
                .put("Type", "Notification")
                .put("MessageId", "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324")
                .put("TopicArn", TOPIC)
                .put("Subject", "Amazon S3 Notification")
                .put("Message", sample("s3-put.json"))
                .put("Timestamp", "2026-12-07T15:00:00.000Z")
                .put("SignatureVersion", signatureVersion)
                .put("SigningCertURL", CERT_URL)
                .put("UnsubscribeURL", "https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=" + TOPIC + ":1");
        return sign(message);
    }

    /** A signed SubscriptionConfirmation (or UnsubscribeConfirmation) whose SubscribeURL is on the given host. */
    static ObjectNode confirmation(String type, String subscribeHost) {
        ObjectNode message = JSON.createObjectNode()
                .put("Type", type)
                .put("MessageId", "165545c9-2a5c-472c-8df2-7ff2be2b3b1b")
                .put("Token", "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b0")
                .put("TopicArn", TOPIC)
                .put("Message", "You have chosen to subscribe to the topic " + TOPIC + ".")
                .put("SubscribeURL", "https://" + subscribeHost + "/?Action=ConfirmSubscription&TopicArn=" + TOPIC + "&Token=2336412f")
                .put("Timestamp", "2026-12-07T15:00:00.000Z")
                .put("SignatureVersion", "1")
                .put("SigningCertURL", CERT_URL);
        return sign(message);
    }

    /** Signs the message's canonical string (as SNS documents it) into {@code Signature}. */
    static ObjectNode sign(ObjectNode message) {
        List<String> fields = message.get("Type").asString().equals("Notification")
                ? List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
                : List.of("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type");
        StringBuilder canonical = new StringBuilder();
        for (String field : fields) {
            if (message.has(field)) {
                canonical.append(field).append('\n').append(message.get(field).asString()).append('\n');
            }
        }
        try {
            Signature signer = Signature.getInstance(message.get("SignatureVersion").asString().equals("1") ? "SHA1withRSA" : "SHA256withRSA");
            signer.initSign(KEY);
            signer.update(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return message.put("Signature", Base64.getEncoder().encodeToString(signer.sign()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] bytes(ObjectNode message) {
        return JSON.writeValueAsBytes(message);
    }

    static String sample(String name) {
        try (InputStream in = SnsFixture.class.getResourceAsStream("/notifications/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The webhook controller with SNS on for {@link #TOPIC}; what it forwards lands in {@code forwarded}. */
    static NotificationController controller(List<ObjectEvent> forwarded, boolean confirm) {
        DatasetTracker tracker = new DatasetTracker(Duration.ofHours(1), Clock.systemUTC(), (d, m) -> { }, Duration.ofHours(1));
        SnsMessageVerifier verifier = verifier();
        return new NotificationController(new NotificationParser(),
                new NotificationIntake(new RawBucket(URI.create("s3://mybucket/")), tracker, (event, key) -> forwarded.add(event)),
                new WebhookAuthenticator("", false), new SubscriptionConfirmer(false, List.of()), new SimpleMeterRegistry(),
                new NotificationController.WebhookLimits(1 << 20), new WebhookConfiguration.SmnSignatures(null),
                new WebhookConfiguration.SnsMessages(verifier, new SubscriptionConfirmer("SNS", confirm,
                        host -> verifier.allowedHost("https://" + host + "/"), "https on an SNS host", "sns.confirm-subscriptions")));
    }

    /** {@code POST /notifications/s3} as SNS sends it. */
    static ResponseEntity<?> post(NotificationController controller, byte[] body) throws java.io.IOException {
        return controller.receive("s3", new ByteArrayInputStream(body), null, null, "Notification", null);
    }

    static List<ObjectEvent> events() {
        return new ArrayList<>();
    }
}
