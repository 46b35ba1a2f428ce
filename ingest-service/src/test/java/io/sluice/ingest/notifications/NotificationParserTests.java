package io.sluice.ingest.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.sluice.ingest.domain.ObjectEvent;
import io.sluice.ingest.domain.ObjectEvent.Kind;

/** Sample payloads shaped as each provider documents them normalise to the same object event. */
class NotificationParserTests {

    private final NotificationParser parser = new NotificationParser();

    static byte[] sample(String name) {
        try (InputStream in = NotificationParserTests.class.getResourceAsStream("/notifications/" + name)) {
            return in.readAllBytes();
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("missing sample " + name, e);
        }
    }

    @Test
    void readsAGcsPubSubPushEnvelopeWithAJsonApiV1Payload() {
        Notification notification = parser.gcs(sample("gcs-pubsub-push.json"));

        assertThat(notification.events()).containsExactly(
                new ObjectEvent("gcs", Kind.STORED, "sluice-prod-raw-data", "datasets/asl/A/img 001.png", 2048, "XrY7u+Ae7tCTyyK7j1rNww=="));
    }

    @Test
    void readsGcsNotificationsBridgedToKafkaInEveryShape() {
        assertThat(parser.any(sample("gcs-pubsub-push.json"), Map.of()).events()).singleElement()
                .extracting(ObjectEvent::key).isEqualTo("datasets/asl/A/img 001.png");
        ObjectEvent bare = parser.any(sample("gcs-object-resource.json"), Map.of("eventType", "OBJECT_FINALIZE")).events().get(0);
        assertThat(bare.kind()).isEqualTo(Kind.STORED);
        assertThat(bare.bucket()).isEqualTo("sluice-prod-raw-data");
        ObjectEvent deleted = parser.any(sample("gcs-object-resource.json"), Map.of("eventType", "OBJECT_DELETE")).events().get(0);
        assertThat(deleted.kind()).isEqualTo(Kind.REMOVED);
        String message = "{\"attributes\":{\"eventType\":\"OBJECT_FINALIZE\",\"payloadFormat\":\"NONE\",\"bucketId\":\"b\","
                + "\"objectId\":\"datasets/x/_SUCCESS\"},\"messageId\":\"1\"}";
        assertThat(parser.any(message.getBytes(StandardCharsets.UTF_8), Map.of()).events())
                .containsExactly(new ObjectEvent("kafka:gcs", Kind.STORED, "b", "datasets/x/_SUCCESS", -1, null));
    }

    @Test
    void readsAnAwsS3RecordAndDecodesItsFormEncodedKey() {
        assertThat(parser.s3(sample("s3-put.json")).events()).containsExactly(
                new ObjectEvent("s3", Kind.STORED, "mybucket", "datasets/asl/A/img 001.png", 1024, "d41d8cd98f00b204e9800998ecf8427e"));
        assertThat(parser.s3(sample("s3-delete.json")).events()).extracting(ObjectEvent::kind).containsExactly(Kind.REMOVED);
    }

    @Test
    void readsAMinioRecordPublishedStraightToKafka() {
        assertThat(parser.any(sample("minio-kafka.json"), Map.of()).events()).containsExactly(
                new ObjectEvent("s3", Kind.STORED, "images", "datasets/digits/3/x 1.png", 200436, "f1671feacb8bbf7b0397c6e9364e8c92"));
    }

    @Test
    void readsObsRecordsDeliveredThroughSmn() {
        assertThat(parser.obs(sample("obs-smn-notification.json"), "Notification").events()).containsExactly(
                new ObjectEvent("obs", Kind.STORED, "sluice-prod-raw-data", "datasets/asl/_SUCCESS", 0, "d41d8cd98f00b204e9800998ecf8427e"));
        assertThat(parser.obs(sample("obs-records-v3.json"), null).events()).containsExactly(
                new ObjectEvent("obs", Kind.STORED, "sluice-prod-raw-data", "datasets/asl/B/img 002.png", 3072, "9516dfb15f51c7ee19a4d46b8c0dbe1d"));
    }

    @Test
    void recognisesSmnSubscriptionConfirmation() {
        Notification notification = parser.obs(sample("obs-smn-subscription-confirmation.json"), "SubscriptionConfirmation");

        assertThat(notification.events()).isEmpty();
        assertThat(notification.confirmation().topicUrn()).isEqualTo("urn:smn:eu-de:d91989905b8449b896f3a4f0ad57222d:sluice-raw");
        assertThat(notification.confirmation().subscribeUrl()).startsWith("https://smn.eu-de.myhuaweicloud.com/smn/subscription/confirm?");
    }

    @Test
    void readsCloudEventsFromGcsAndS3() {
        assertThat(parser.cloudEvents(sample("cloudevents-gcs-finalized.json")).events()).containsExactly(
                new ObjectEvent("cloudevents", Kind.STORED, "sluice-prod-raw-data", "datasets/asl/A/img 001.png", 2048, "XrY7u+Ae7tCTyyK7j1rNww=="));
        assertThat(parser.cloudEvents(sample("cloudevents-s3-object-created.json")).events()).containsExactly(
                new ObjectEvent("cloudevents", Kind.STORED, "example-bucket", "datasets/asl/A/img 003.png", 5, "b1946ac92492d2347c6235b4d2611184"));
        String metadata = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"//storage.googleapis.com/projects/_/buckets/b\","
                + "\"type\":\"google.cloud.storage.object.v1.metadataUpdated\",\"data\":{\"bucket\":\"b\",\"name\":\"datasets/x/a.png\"}}";
        assertThat(parser.cloudEvents(metadata.getBytes(StandardCharsets.UTF_8)).events()).extracting(ObjectEvent::kind)
                .containsExactly(Kind.OTHER);
    }

    @Test
    void refusesMalformedPayloadsWithTheReason() {
        assertThatThrownBy(() -> parser.gcs("not json".getBytes())).isInstanceOf(MalformedNotificationException.class)
                .hasMessageStartingWith("not JSON");
        assertThatThrownBy(() -> parser.gcs("{\"subscription\":\"x\"}".getBytes())).hasMessageContaining("no 'message' object");
        assertThatThrownBy(() -> parser.gcs("{\"message\":{\"attributes\":{\"eventType\":\"OBJECT_FINALIZE\"},\"data\":\"***\"}}".getBytes()))
                .hasMessageContaining("not valid base64");
        String noName = Base64.getEncoder().encodeToString("{\"bucket\":\"b\"}".getBytes());
        assertThatThrownBy(() -> parser.gcs(("{\"message\":{\"attributes\":{\"eventType\":\"OBJECT_FINALIZE\"},\"data\":\"" + noName + "\"}}").getBytes()))
                .hasMessageContaining("has no 'name'");
        assertThatThrownBy(() -> parser.s3("{\"Records\":[{\"eventName\":\"ObjectCreated:Put\"}]}".getBytes()))
                .hasMessageContaining("Records[0] has no 's3'");
        assertThatThrownBy(() -> parser.s3("{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"%zz\"}}}]}".getBytes()))
                .hasMessageContaining("not URL-encoded");
        assertThatThrownBy(() -> parser.obs("{\"type\":\"Notification\",\"message\":\"oops\"}".getBytes(), null))
                .hasMessageStartingWith("not JSON");
        assertThatThrownBy(() -> parser.cloudEvents("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"s\"}".getBytes()))
                .hasMessageContaining("has no 'type'");
        assertThatThrownBy(() -> parser.any("[1,2]".getBytes(), Map.of())).hasMessageContaining("a CloudEvent is a JSON object");
        assertThatThrownBy(() -> parser.any("{\"hello\":\"world\"}".getBytes(), Map.of())).hasMessageStartingWith("unrecognised notification");
        assertThatThrownBy(() -> parser.any(new byte[0], Map.of())).hasMessage("empty body");
    }
}
