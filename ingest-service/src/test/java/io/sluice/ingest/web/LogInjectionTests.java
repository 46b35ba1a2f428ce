package io.sluice.ingest.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.ingest.domain.DatasetTracker;
import io.sluice.ingest.domain.NotificationIntake;
import io.sluice.ingest.domain.RawBucket;
import io.sluice.ingest.notifications.NotificationParser;

/**
 * An S3 key with {@code %0A}, {@code %0D} and {@code %00} in it, sent to the webhook: the log output (captured as the
 * service's layout writes it) has exactly one line per message, with the control characters escaped, so nobody can
 * forge a log line or put a NUL byte into the log.
 */
class LogInjectionTests {

    private static final String FORGED = "2026-12-07T15:00:00Z INFO  [main] admin promoted digits";

    private final java.io.ByteArrayOutputStream output = new java.io.ByteArrayOutputStream();
    private final List<Logger> loggers = List.of((Logger) LoggerFactory.getLogger(NotificationIntake.class),
            (Logger) LoggerFactory.getLogger(NotificationController.class));
    private OutputStreamAppender<ILoggingEvent> appender;

    @BeforeEach
    void captureTheLog() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%level %logger{0} - %msg%n");
        encoder.start();
        appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(output);
        appender.start();
        for (Logger logger : loggers) {
            logger.addAppender(appender);
            logger.setLevel(Level.DEBUG);
        }
    }

    @AfterEach
    void stopCapturing() {
        for (Logger logger : loggers) {
            logger.detachAppender(appender);
            logger.setLevel(null);
        }
        appender.stop();
    }

    @Test
    void anS3KeyWithEncodedLineBreaksAndNulCannotForgeALogLine() throws Exception {
        String key = "datasets/x/a%0A" + FORGED.replace(" ", "%20") + "%0D%0Ab%00.png";
        String notification = "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"someone-elses-bucket\"},"
                + "\"object\":{\"key\":\"" + key + "\",\"size\":1}}}]}";
        String malformed = "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b\"},"
                + "\"object\":{\"key\":\"%zz\\n" + FORGED + "\\u0000\",\"size\":1}}}]}";

        try (DatasetTracker tracker = new DatasetTracker(Duration.ofHours(1), Clock.systemUTC(), (d, m) -> { }, Duration.ofHours(1))) {
            NotificationController controller = new NotificationController(new NotificationParser(),
                    new NotificationIntake(new RawBucket(URI.create("s3://sluice-raw-data/")), tracker, (event, k) -> { }),
                    new WebhookAuthenticator("", true), new SubscriptionConfirmer(false, List.of()), new SimpleMeterRegistry(),
                    new NotificationController.WebhookLimits(1 << 20), new WebhookConfiguration.SmnSignatures(null),
                    new WebhookConfiguration.SnsMessages(null, null));
            assertThat(controller.receive("s3", body(notification), null, null, null, null).getStatusCode()).isEqualTo(HttpStatus.OK);
            assertThat(controller.receive("s3", body(malformed), null, null, null, null).getStatusCode())
                    .isEqualTo(HttpStatus.BAD_REQUEST);
        }

        String log = output.toString(StandardCharsets.UTF_8);
        List<String> lines = log.lines().toList();
        assertThat(lines).hasSize(2).allSatisfy(line -> assertThat(line).matches("(INFO|DEBUG) \\w+ - .*"));
        assertThat(lines.get(0)).startsWith("INFO NotificationIntake - ignored s3 notification for someone-elses-bucket/")
                .contains("a\\n" + FORGED + "\\r\\nb\\u0000.png");
        assertThat(lines.get(1)).startsWith("DEBUG NotificationController - malformed s3 notification");
        assertThat(log).doesNotContain("\u0000").doesNotContain("\r");
    }

    private static ByteArrayInputStream body(String json) {
        return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
    }
}
