package io.sluice.ingest.messaging;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.support.MessageBuilder;

import io.sluice.ingest.domain.NotificationIntake;
import io.sluice.ingest.domain.ObjectEvent;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Forwards a dataset object's notification to the notifications topic ({@value #BINDING}), keyed
 * by its dataset's owner key, as a CloudEvent ({@value #TYPE}, data {@code {bucket: {name}, object:
 * {key, size, etag}}}, the shape the parser reads as an S3 "Object Created" detail). The send is
 * synchronous: a webhook answers only after its notifications are on Kafka.
 */
public final class KafkaNotificationForwarder implements NotificationIntake.Forwarder {

    static final String BINDING = "notifications-out-0";
    static final String TYPE = "io.sluice.storage.object.created";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final StreamBridge bridge;
    private final String replica;

    /** @param replica names this replica in the CloudEvent's source, for logs */
    public KafkaNotificationForwarder(StreamBridge bridge, String replica) {
        this.bridge = bridge;
        this.replica = replica;
    }

    @Override
    public void forward(ObjectEvent event, String ownerKey) {
        if (!bridge.send(BINDING, MessageBuilder.withPayload(cloudEvent(event, replica)).setHeader(KafkaHeaders.KEY, ownerKey).build())) {
            throw new IllegalStateException("could not forward the notification of " + event.bucket() + "/" + event.key());
        }
    }

    static byte[] cloudEvent(ObjectEvent event, String replica) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("key", event.key());
        object.put("size", event.size());
        if (event.checksum() != null) {
            object.put("etag", event.checksum());
        }
        Map<String, Object> cloudEvent = new LinkedHashMap<>();
        cloudEvent.put("specversion", "1.0");
        cloudEvent.put("id", UUID.randomUUID().toString());
        cloudEvent.put("source", "sluice:ingest-service/" + replica + "/" + event.source());
        cloudEvent.put("type", TYPE);
        cloudEvent.put("data", Map.of("bucket", Map.of("name", event.bucket()), "object", object));
        return JSON.writeValueAsBytes(cloudEvent);
    }
}
