package io.sluice.ingest.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.sluice.ingest.domain.DatasetTracker;
import io.sluice.ingest.domain.NotificationIntake;
import io.sluice.ingest.domain.ObjectEvent;
import io.sluice.ingest.domain.RawBucket;
import io.sluice.ingest.notifications.NotificationParser;

/** Webhook and folder notifications go to the dataset's owner through Kafka: the forwarded form, the key, the partition. */
class NotificationForwardingTests {

    private final RawBucket raw = new RawBucket(URI.create("gs://sluice-prod-raw-data/"));

    @Test
    void forwardsANotificationThatParsesBackIntoTheSameEvent() {
        ObjectEvent event = ObjectEvent.stored("gcs", "sluice-prod-raw-data", "datasets/asl/A/img 1+2%.png", 12, "md5==");

        byte[] forwarded = KafkaNotificationForwarder.cloudEvent(event, "replica-1");
        List<ObjectEvent> parsed = new NotificationParser().any(forwarded, Map.of()).events();

        assertThat(parsed).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(ObjectEvent.Kind.STORED);
            assertThat(e.bucket()).isEqualTo("sluice-prod-raw-data");
            assertThat(e.key()).isEqualTo("datasets/asl/A/img 1+2%.png");
            assertThat(e.size()).isEqualTo(12);
            assertThat(e.checksum()).isEqualTo("md5==");
        });
        assertThat(new String(forwarded, StandardCharsets.UTF_8)).contains("sluice:ingest-service/replica-1/gcs");
    }

    @Test
    void handlesHereOnlyWhatArrivesUnderItsDatasetsOwnerKeyAndForwardsTheRest() {
        List<String> forwarded = new ArrayList<>();
        try (DatasetTracker tracker = new DatasetTracker(Duration.ofHours(1), Clock.systemUTC(), (d, m) -> { }, Duration.ofHours(1))) {
            NotificationIntake intake = new NotificationIntake(raw, tracker, (event, key) -> forwarded.add(key + " " + event.key()));
            ObjectEvent image = ObjectEvent.stored("s3", "sluice-prod-raw-data", "datasets/asl/A/1.png", 3, null);
            ObjectEvent other = ObjectEvent.stored("s3", "someone-elses-bucket", "datasets/asl/_SUCCESS", 0, null);

            assertThat(intake.accept(List.of(image, other))).isEqualTo(new NotificationIntake.Result(1, 1)); // a webhook
            assertThat(intake.accept(List.of(image), "sluice-prod-raw-data/datasets/asl/A/1.png").accepted()).isEqualTo(1); // bridged raw
            assertThat(tracker.pending()).isZero();
            assertThat(intake.accept(List.of(image), "sluice-prod-raw-data/asl").accepted()).isEqualTo(1); // under its owner key

            assertThat(forwarded).containsExactly("sluice-prod-raw-data/asl datasets/asl/A/1.png", "sluice-prod-raw-data/asl datasets/asl/A/1.png");
            assertThat(tracker.pending()).isEqualTo(1);
        }
    }
}
