package io.sluice.ingest.web;

import static io.sluice.ingest.web.SnsFixture.bytes;
import static io.sluice.ingest.web.SnsFixture.confirmation;
import static io.sluice.ingest.web.SnsFixture.notification;
import static io.sluice.ingest.web.SnsFixture.post;
import static io.sluice.ingest.web.SnsFixture.sign;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;

import io.sluice.ingest.IngestProperties;
import io.sluice.ingest.domain.ObjectEvent;
import io.sluice.platform.security.WebhookProof;
import tools.jackson.databind.node.ObjectNode;

/**
 * Amazon SNS messages as AWS documents them, signed with a key minted here (its certificate configured locally, as
 * {@code sns.signing-cert} does): signed ones from the accepted topic reach the S3 parser, everything else is a
 * problem detail — 401 unsigned, 403 signed wrongly or by a foreign topic or certificate host, 400 malformed.
 */
class SnsMessageVerifierTests {

    private final SnsMessageVerifier verifier = SnsFixture.verifier();

    @Test
    void acceptsNotificationsSignedWithVersion1And2AndConfirmations() {
        for (String version : List.of("1", "2")) {
            SnsMessageVerifier.Outcome outcome = verifier.verify(bytes(notification(version)));
            assertThat(outcome).isInstanceOf(SnsMessageVerifier.Verified.class);
            assertThat(((SnsMessageVerifier.Verified) outcome).message()).contains("datasets/asl/A/img+001.png");
        }
        ObjectNode noSubject = notification("2");
        noSubject.remove("Subject");
        assertThat(verifier.verify(bytes(sign(noSubject)))).isInstanceOf(SnsMessageVerifier.Verified.class);
        assertThat(verifier.verify(bytes(confirmation("SubscriptionConfirmation", "sns.us-west-2.amazonaws.com"))))
                .isEqualTo(new SnsMessageVerifier.Verified("SubscriptionConfirmation", SnsFixture.TOPIC,
                        "You have chosen to subscribe to the topic " + SnsFixture.TOPIC + ".",
                        "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=" + SnsFixture.TOPIC + "&Token=2336412f"));
    }

    @Test
    void refusesATamperedMessageOrAnotherVersionsAlgorithm() {
        ObjectNode tampered = notification("2");
        tampered.put("Message", tampered.get("Message").asString().replace("datasets/asl", "datasets/evil"));
        ObjectNode downgraded = notification("2").put("SignatureVersion", "1"); // signed with SHA256, claims SHA1

        assertThat(verifier.verify(bytes(tampered))).isEqualTo(refused(HttpStatus.FORBIDDEN, "invalid SNS signature"));
        assertThat(verifier.verify(bytes(downgraded))).isEqualTo(refused(HttpStatus.FORBIDDEN, "invalid SNS signature"));
        assertThat(verifier.verify(bytes(notification("2").put("SignatureVersion", "3"))))
                .isEqualTo(refused(HttpStatus.FORBIDDEN, "unsupported SNS SignatureVersion '3' (1 and 2 are)"));
        assertThat(verifier.verify(bytes(notification("2").put("Signature", "%%%"))))
                .isEqualTo(refused(HttpStatus.FORBIDDEN, "invalid SNS signature: not base64"));
    }

    @Test
    void refusesAnotherTopicEvenWhenSnsSignedIt() {
        ObjectNode foreign = sign(notification("1").put("TopicArn", "arn:aws:sns:us-west-2:999999999999:someone-else"));

        assertThat(verifier.verify(bytes(foreign))).isEqualTo(refused(HttpStatus.FORBIDDEN,
                "SNS topic 'arn:aws:sns:us-west-2:999999999999:someone-else' is not one of sluice.ingest.webhooks.sns.topic-arns"));
    }

    @Test
    void neverUsesACertificateFromAHostOutsideThePattern() {
        SnsMessageVerifier fetching = new SnsMessageVerifier(List.of(SnsFixture.TOPIC), Pattern.compile(SnsMessageVerifier.DEFAULT_HOSTS),
                url -> {
                    throw new AssertionError("fetched " + url);
                });
        for (String url : List.of("http://sns.us-west-2.amazonaws.com/cert.pem", "https://evil.example.com/cert.pem",
                "https://sns.us-west-2.amazonaws.com.evil.example.com/cert.pem", "https://sns.us-west-2.amazonaws.com:8443/cert.pem",
                "https://user@sns.us-west-2.amazonaws.com/cert.pem", "https://sns.us-west-2.amazonaws.com/cert.txt", "not a url",
                "https://evil.example.com\\@sns.us-west-2.amazonaws.com/x.pem")) {
            assertThat(fetching.verify(bytes(notification("1").put("SigningCertURL", url)))).as(url)
                    .isEqualTo(refused(HttpStatus.FORBIDDEN,
                            "SigningCertURL is not an HTTPS .pem on a host allowed by sluice.ingest.webhooks.sns.hosts"));
        }
        assertThat(fetching.allowedHost("https://sns.cn-north-1.amazonaws.com.cn/x.pem")).isTrue();
    }

    @Test
    void answers401WithoutASignatureAnd400ForAMalformedMessage() {
        ObjectNode unsigned = notification("1");
        unsigned.remove("Signature");

        assertThat(verifier.verify(bytes(unsigned))).isEqualTo(refused(HttpStatus.UNAUTHORIZED,
                "missing SNS signature: the message has no 'Signature'"));
        assertThat(verifier.verify("{".getBytes(StandardCharsets.UTF_8))).isEqualTo(refused(HttpStatus.BAD_REQUEST,
                "malformed SNS message: the body is not JSON"));
        assertThat(verifier.verify("[]".getBytes(StandardCharsets.UTF_8)).toString()).contains("not a JSON object");
        assertThat(verifier.verify(bytes(notification("1").put("Type", "Other"))).toString()).contains("BAD_REQUEST", "'Type'");
        assertThat(verifier.verify(bytes(notification("1").put("MessageId", 7))))
                .isEqualTo(refused(HttpStatus.BAD_REQUEST, "malformed SNS message: 'MessageId' is missing or not a string"));
    }

    @Test
    void theS3WebhookProcessesASignedNotificationAndRefusesTheRestAsProblemDetails() throws Exception {
        List<ObjectEvent> forwarded = SnsFixture.events();
        NotificationController controller = SnsFixture.controller(forwarded, false);
        ObjectNode foreignCertHost = notification("2").put("SigningCertURL", "https://attacker.example.com/SimpleNotificationService.pem");
        ObjectNode unsigned = notification("2");
        unsigned.remove("Signature");

        ResponseEntity<?> accepted = post(controller, bytes(notification("2")));
        assertThat(accepted.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(((Map<?, ?>) accepted.getBody()).get("accepted")).isEqualTo(1);
        assertThat(forwarded).extracting(ObjectEvent::key).containsExactly("datasets/asl/A/img 001.png");

        assertProblem(post(controller, bytes(unsigned)), HttpStatus.UNAUTHORIZED, "missing SNS signature");
        assertProblem(post(controller, bytes(notification("2").put("Timestamp", "2020-01-01T00:00:00Z"))), HttpStatus.FORBIDDEN,
                "invalid SNS signature");
        assertProblem(post(controller, bytes(sign(notification("2").put("TopicArn", "arn:aws:sns:us-west-2:1:other")))),
                HttpStatus.FORBIDDEN, "is not one of");
        assertProblem(post(controller, bytes(foreignCertHost)), HttpStatus.FORBIDDEN, "SigningCertURL");
        assertProblem(post(controller, "nonsense".getBytes(StandardCharsets.UTF_8)), HttpStatus.BAD_REQUEST, "malformed SNS message");
        assertProblem(post(controller, bytes(sign(notification("2").put("Message", "{\"Records\": 5}")))), HttpStatus.BAD_REQUEST,
                "SNS Message");
        assertThat(forwarded).hasSize(1);
    }

    @Test
    void confirmsSubscriptionsOnlyWhenConfiguredAndOnlyOnAnSnsHost() throws Exception {
        NotificationController off = SnsFixture.controller(SnsFixture.events(), false);
        NotificationController on = SnsFixture.controller(SnsFixture.events(), true);

        assertThat(subscription(post(off, bytes(confirmation("SubscriptionConfirmation", "sns.us-west-2.amazonaws.com")))))
                .isEqualTo("pending: confirm the subscription in the SNS console");
        assertThat(subscription(post(on, bytes(confirmation("SubscriptionConfirmation", "attacker.example.com")))))
                .isEqualTo("refused: the subscribe URL must be https on an SNS host");
        assertThat(subscription(post(on, bytes(confirmation("UnsubscribeConfirmation", "sns.us-west-2.amazonaws.com")))))
                .isEqualTo("unsubscribed");
    }

    @Test
    void snsMessagesAreRefusedUnlessATopicIsConfiguredAndThenPassSecurityToTheSignatureCheck(@TempDir Path dir) throws Exception {
        Path pem = Files.writeString(dir.resolve("sns.pem"), SnsFixture.PEM);
        ApplicationContextRunner runner = new ApplicationContextRunner()
                .withUserConfiguration(Properties.class, WebhookConfiguration.class)
                .withPropertyValues("sluice.ingest.raw-bucket=file:/tmp/raw/", "sluice.ingest.training-bucket=file:/tmp/training/");
        MockHttpServletRequest sns = new MockHttpServletRequest("POST", "/notifications/s3");
        sns.addHeader(SnsMessageVerifier.TYPE_HEADER, "Notification");

        runner.run(context -> {
            assertThat(context.getBean(WebhookConfiguration.SnsMessages.class).verifier()).isNull();
            assertThat(context.getBean(WebhookProof.class).carriedBy(sns)).isFalse();
        });
        runner.withPropertyValues("sluice.ingest.webhooks.sns.topic-arns=" + SnsFixture.TOPIC,
                "sluice.ingest.webhooks.sns.signing-cert=" + pem).run(context -> {
                    assertThat(context).hasNotFailed();
                    SnsMessageVerifier configured = context.getBean(WebhookConfiguration.SnsMessages.class).verifier();
                    assertThat(configured.verify(bytes(notification("1")))).isInstanceOf(SnsMessageVerifier.Verified.class);
                    assertThat(context.getBean(WebhookProof.class).carriedBy(sns)).isTrue();
                    assertThat(context.getBean(WebhookProof.class).carriedBy(new MockHttpServletRequest("POST", "/notifications/s3")))
                            .isFalse();
                });
    }

    private static SnsMessageVerifier.Refused refused(HttpStatus status, String reason) {
        return new SnsMessageVerifier.Refused(status, reason);
    }

    private static void assertProblem(ResponseEntity<?> response, HttpStatus status, String detail) {
        assertThat(response.getStatusCode()).isEqualTo(status);
        assertThat(response.getBody()).isInstanceOfSatisfying(ProblemDetail.class,
                problem -> assertThat(problem.getDetail()).contains(detail));
    }

    private static Object subscription(ResponseEntity<?> response) {
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
        return ((Map<?, ?>) response.getBody()).get("subscription");
    }

    /** Binds {@code sluice.ingest.*} as the application does. */
    @EnableConfigurationProperties(IngestProperties.class)
    static class Properties {}
}
