package io.sluice.ingest.notifications;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.sluice.ingest.domain.ObjectEvent;
import io.sluice.ingest.domain.ObjectEvent.Kind;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Normalises the storage notifications of every supported provider, as they document them, into
 * {@link ObjectEvent}s: Google Cloud Storage Pub/Sub notifications ({@code JSON_API_V1}; push envelope,
 * bare Pub/Sub message, or the object resource with attributes as headers), S3/MinIO event records,
 * Huawei OBS records delivered through SMN (with SMN's subscription handshake), and CloudEvents in
 * structured JSON. Anything else throws {@link MalformedNotificationException} naming what is wrong.
 */
public final class NotificationParser {

    /** More records than this in one notification is not a storage notification. */
    static final int MAX_RECORDS = 10_000;

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** A Pub/Sub push request: {@code {"message": {"attributes": …, "data": base64}, "subscription": …}}. */
    public Notification gcs(byte[] body) {
        JsonNode root = object(body);
        JsonNode message = root.get("message");
        if (message == null || !message.isObject()) {
            throw new MalformedNotificationException("not a Pub/Sub push envelope: no 'message' object");
        }
        return Notification.of(List.of(pubSubMessage(message, Map.of(), "gcs")));
    }

    /** S3 or MinIO event records: {@code {"Records": [{"eventName": "s3:ObjectCreated:Put", "s3": …}]}}. */
    public Notification s3(byte[] body) {
        JsonNode root = object(body);
        if (root.has("Event") && "s3:TestEvent".equals(text(root, "Event"))) {
            return Notification.of(List.of()); // S3 sends this once when the notification is configured
        }
        return Notification.of(records(root, "s3"));
    }

    /** An SMN HTTP(S) message carrying OBS records, or SMN's subscription confirmation. */
    public Notification obs(byte[] body, String smnMessageType) {
        JsonNode root = object(body);
        if (root.has("Records")) {
            return Notification.of(records(root, "obs"));
        }
        String type = root.has("type") ? text(root, "type") : smnMessageType;
        if (type == null) {
            throw new MalformedNotificationException("not an SMN message: no 'type' and no 'Records'");
        }
        return switch (type) {
            case "SubscriptionConfirmation" -> {
                String url = required(root, "subscribe_url", "SMN subscription confirmation");
                yield new Notification(List.of(), new Notification.SubscriptionConfirmation(text(root, "topic_urn"), url));
            }
            case "UnsubscribeConfirmation" -> Notification.of(List.of());
            case "Notification" -> {
                String message = required(root, "message", "SMN notification");
                yield Notification.of(records(object(message.getBytes(StandardCharsets.UTF_8)), "obs"));
            }
            default -> throw new MalformedNotificationException("unknown SMN message type '" + clip(type) + "'");
        };
    }

    /** A CloudEvent in structured JSON (or a JSON batch of them). */
    public Notification cloudEvents(byte[] body) {
        JsonNode root = parse(body);
        List<ObjectEvent> events = new ArrayList<>();
        if (root.isArray()) {
            if (root.size() > MAX_RECORDS) {
                throw new MalformedNotificationException("batch of " + root.size() + " CloudEvents exceeds " + MAX_RECORDS);
            }
            for (JsonNode event : root) {
                events.addAll(cloudEvent(event));
            }
        } else {
            events.addAll(cloudEvent(root));
        }
        return Notification.of(events);
    }

    /**
     * A raw notification from Kafka, whatever its provider: recognised by its shape. Kafka headers
     * stand in for Pub/Sub attributes when the value is the bare object resource.
     */
    public Notification any(byte[] body, Map<String, String> headers) {
        JsonNode root = parse(body);
        if (root.isArray() || root.has("specversion")) {
            return cloudEvents(body);
        }
        if (!root.isObject()) {
            throw new MalformedNotificationException("a notification is a JSON object, got " + root.getNodeType());
        }
        if (root.has("Records") || root.has("EventName") || root.has("Event")) {
            return s3(body);
        }
        if (root.has("message") && root.get("message").isObject()) {
            return gcs(body);
        }
        if (root.has("type") && (root.has("topic_urn") || root.has("subscribe_url"))) {
            return obs(body, null);
        }
        if (root.has("attributes") && (root.has("data") || root.has("messageId"))) {
            return Notification.of(List.of(pubSubMessage(root, headers, "kafka:gcs")));
        }
        if ("storage#object".equals(text(root, "kind"))) {
            String eventType = headers.getOrDefault("eventType", "OBJECT_FINALIZE");
            return Notification.of(List.of(gcsObject(root, gcsKind(eventType), "kafka:gcs")));
        }
        throw new MalformedNotificationException("unrecognised notification: not S3/MinIO/OBS records, a Pub/Sub message, "
                + "a GCS object resource or a CloudEvent");
    }

    private ObjectEvent pubSubMessage(JsonNode message, Map<String, String> headers, String source) {
        JsonNode attributes = message.get("attributes");
        if (attributes != null && !attributes.isObject()) {
            throw new MalformedNotificationException("Pub/Sub 'attributes' is not an object");
        }
        String eventType = attributes == null ? headers.get("eventType") : text(attributes, "eventType");
        if (eventType == null) {
            throw new MalformedNotificationException("Pub/Sub message has no 'eventType' attribute: not a Cloud Storage notification");
        }
        String payloadFormat = attributes == null ? headers.get("payloadFormat") : text(attributes, "payloadFormat");
        JsonNode data = message.get("data");
        if (data != null && !data.isNull() && !"NONE".equals(payloadFormat)) {
            if (!data.isString()) {
                throw new MalformedNotificationException("Pub/Sub 'data' is not a base64 string");
            }
            byte[] decoded;
            try {
                decoded = Base64.getDecoder().decode(data.asString());
            } catch (IllegalArgumentException e) {
                throw new MalformedNotificationException("Pub/Sub 'data' is not valid base64: " + e.getMessage());
            }
            return gcsObject(object(decoded), gcsKind(eventType), source);
        }
        String bucket = attributes == null ? headers.get("bucketId") : text(attributes, "bucketId");
        String key = attributes == null ? headers.get("objectId") : text(attributes, "objectId");
        if (bucket == null || key == null) {
            throw new MalformedNotificationException("Pub/Sub message has neither 'data' nor the bucketId/objectId attributes");
        }
        return new ObjectEvent(source, gcsKind(eventType), bucket, key, -1, null);
    }

    private static Kind gcsKind(String eventType) {
        return switch (eventType) {
            case "OBJECT_FINALIZE" -> Kind.STORED;
            case "OBJECT_DELETE" -> Kind.REMOVED;
            default -> Kind.OTHER; // OBJECT_METADATA_UPDATE, OBJECT_ARCHIVE (a version became noncurrent)
        };
    }

    /** The JSON_API_V1 payload: a Cloud Storage object resource. */
    private ObjectEvent gcsObject(JsonNode resource, Kind kind, String source) {
        if (!resource.isObject()) {
            throw new MalformedNotificationException("the Cloud Storage object resource is not a JSON object");
        }
        String bucket = required(resource, "bucket", "Cloud Storage object resource");
        String name = required(resource, "name", "Cloud Storage object resource");
        return new ObjectEvent(source, kind, bucket, name, longValue(resource.get("size")), text(resource, "md5Hash"));
    }

    private List<ObjectEvent> records(JsonNode root, String source) {
        JsonNode records = root.get("Records");
        if (records == null || !records.isArray()) {
            throw new MalformedNotificationException("no 'Records' array: not an S3-style event notification");
        }
        if (records.size() > MAX_RECORDS) {
            throw new MalformedNotificationException(records.size() + " records exceed " + MAX_RECORDS);
        }
        List<ObjectEvent> events = new ArrayList<>(records.size());
        int index = 0;
        for (JsonNode record : records) {
            events.add(s3Record(record, source, index++));
        }
        return events;
    }

    private ObjectEvent s3Record(JsonNode record, String source, int index) {
        String where = "Records[" + index + "]";
        if (!record.isObject()) {
            throw new MalformedNotificationException(where + " is not an object");
        }
        String eventName = required(record, "eventName", where);
        // S3, MinIO and OBS 2.0 put the entity under "s3"; OBS 3.0 under "obs"
        JsonNode entity = record.has("s3") ? record.get("s3") : record.get("obs");
        if (entity == null || !entity.isObject()) {
            throw new MalformedNotificationException(where + " has no 's3' (or 'obs') object");
        }
        JsonNode bucket = entity.get("bucket");
        JsonNode object = entity.get("object");
        if (bucket == null || !bucket.isObject() || object == null || !object.isObject()) {
            throw new MalformedNotificationException(where + " lacks s3.bucket or s3.object");
        }
        String bucketName = required(bucket, "name", where + ".s3.bucket");
        String encodedKey = required(object, "key", where + ".s3.object");
        String key;
        try {
            key = URLDecoder.decode(encodedKey, StandardCharsets.UTF_8); // keys are form-encoded: '+' is a space
        } catch (IllegalArgumentException e) {
            throw new MalformedNotificationException(where + ".s3.object.key is not URL-encoded: " + e.getMessage());
        }
        String etag = object.has("eTag") ? text(object, "eTag") : text(object, "etag");
        return new ObjectEvent(source, s3Kind(eventName), bucketName, key, longValue(object.get("size")), etag);
    }

    private static Kind s3Kind(String eventName) {
        String name = eventName.startsWith("s3:") ? eventName.substring(3) : eventName;
        if (name.startsWith("ObjectCreated")) {
            return Kind.STORED;
        }
        return name.startsWith("ObjectRemoved") ? Kind.REMOVED : Kind.OTHER;
    }

    private List<ObjectEvent> cloudEvent(JsonNode event) {
        if (!event.isObject()) {
            throw new MalformedNotificationException("a CloudEvent is a JSON object");
        }
        String spec = required(event, "specversion", "CloudEvent");
        if (!spec.startsWith("1.")) {
            throw new MalformedNotificationException("unsupported CloudEvents specversion '" + clip(spec) + "'");
        }
        required(event, "id", "CloudEvent");
        required(event, "source", "CloudEvent");
        String type = required(event, "type", "CloudEvent");
        JsonNode data = event.get("data");
        if (data == null && event.has("data_base64")) {
            try {
                data = parse(Base64.getDecoder().decode(text(event, "data_base64")));
            } catch (IllegalArgumentException e) {
                throw new MalformedNotificationException("CloudEvent data_base64 is not valid base64");
            }
        }
        String lower = type.toLowerCase(Locale.ROOT).replace(" ", "");
        Kind kind = lower.endsWith(".finalized") || lower.contains("objectcreated") || lower.contains("object.created")
                ? Kind.STORED
                : lower.endsWith(".deleted") || lower.contains("objectremoved") || lower.contains("object.deleted")
                        ? Kind.REMOVED : Kind.OTHER;
        if (data == null || !data.isObject()) {
            if (kind == Kind.OTHER) {
                return List.of();
            }
            throw new MalformedNotificationException("CloudEvent of type '" + clip(type) + "' has no JSON object 'data'");
        }
        if (data.has("Records")) {
            return records(data, "cloudevents");
        }
        if (data.has("s3")) {
            return List.of(s3Record(data, "cloudevents", 0));
        }
        if (data.has("bucket") && data.get("bucket").isObject() && data.has("object")) {
            // EventBridge "Object Created" detail: {"bucket": {"name"}, "object": {"key", "size", "etag"}}
            JsonNode object = data.get("object");
            String key = required(object, "key", "CloudEvent data.object");
            return List.of(new ObjectEvent("cloudevents", kind, required(data.get("bucket"), "name", "CloudEvent data.bucket"),
                    key, longValue(object.get("size")), text(object, "etag")));
        }
        if (data.has("bucket") && data.has("name")) {
            return List.of(gcsObject(data, kind, "cloudevents"));
        }
        if (kind == Kind.OTHER) {
            return List.of();
        }
        throw new MalformedNotificationException("CloudEvent of type '" + clip(type) + "' carries no bucket and object");
    }

    private static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw new MalformedNotificationException("empty body");
        }
        try {
            return JSON.readTree(body);
        } catch (JacksonException e) {
            throw new MalformedNotificationException("not JSON: " + e.getOriginalMessage());
        }
    }

    private static JsonNode object(byte[] body) {
        JsonNode root = parse(body);
        if (!root.isObject()) {
            throw new MalformedNotificationException("expected a JSON object, got " + root.getNodeType());
        }
        return root;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || !value.isValueNode() ? null : value.asString();
    }

    private static String required(JsonNode node, String field, String where) {
        String value = text(node, field);
        if (value == null || value.isEmpty()) {
            throw new MalformedNotificationException(where + " has no '" + field + "'");
        }
        return value;
    }

    /** GCS sends sizes as strings, S3 as numbers. */
    private static long longValue(JsonNode value) {
        if (value == null || value.isNull()) {
            return -1;
        }
        if (value.isNumber()) {
            if (value.isIntegralNumber() && value.canConvertToLong()) {
                return value.asLong();
            }
            throw new MalformedNotificationException("object size " + clip(value.toString()) + " is not a whole number of bytes");
        }
        if (!value.isString()) { // an array, object or boolean: the provider's format is not what it claims
            throw new MalformedNotificationException("object size must be a number or a numeric string, got " + value.getNodeType());
        }
        try {
            return Long.parseLong(value.asString());
        } catch (NumberFormatException e) {
            throw new MalformedNotificationException("object size '" + clip(value.asString()) + "' is not a number");
        }
    }

    private static String clip(String value) {
        return value.length() > 80 ? value.substring(0, 80) + "…" : value;
    }
}
