package io.sluice.console.events;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.sluice.platform.events.EventJson;

/**
 * One record of a {@code sluice.*} topic as an operator sees it: where it is, and either the
 * decoded event (a JSON tree with {@code type}) or the raw value as text (notifications, dead
 * letters that could not be decoded).
 *
 * @param topic            topic name
 * @param key              record key, may be null
 * @param partition        partition
 * @param offset           offset in the partition
 * @param timestamp        the record's timestamp
 * @param event            the decoded event as a JSON tree, or null when the value is not a Sluice event
 * @param value            the raw value as UTF-8 text (or {@code base64:…}) when {@code event} is null, else null
 * @param deadLetterReason the {@code sluice-dlt-reason} header, or null
 * @param decodeError      why an event topic's value could not be decoded, or null
 */
public record EventView(String topic, String key, int partition, long offset, Instant timestamp, Map<String, Object> event,
                        String value, String deadLetterReason, String decodeError) {

    /** The event's simple type name ({@code DatasetReady}), or null for a raw record. */
    public String type() {
        return event == null ? null : (String) event.get("type");
    }

    public String modelName() {
        return field("modelName");
    }

    public String datasetName() {
        return field("datasetName");
    }

    public String eventId() {
        return headerField("eventId");
    }

    public String correlationId() {
        return headerField("correlationId");
    }

    public String causationId() {
        return headerField("causationId");
    }

    /** A top-level field of the event as text, or null. */
    public String field(String name) {
        Object v = event == null ? null : event.get(name);
        return v == null ? null : v.toString();
    }

    private String headerField(String name) {
        Object header = event == null ? null : event.get("header");
        if (header instanceof Map<?, ?> map && map.get(name) != null) {
            return map.get(name).toString();
        }
        return null;
    }

    /** The JSON tree printed by {@code sluice events} and sent by the console. */
    public Map<String, Object> toTree() {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("topic", topic);
        tree.put("key", key);
        tree.put("partition", partition);
        tree.put("offset", offset);
        tree.put("timestamp", timestamp == null ? null : timestamp.toString());
        if (event != null) {
            tree.put("event", event);
        } else {
            tree.put("value", value);
        }
        if (deadLetterReason != null) {
            tree.put("deadLetterReason", deadLetterReason);
        }
        if (decodeError != null) {
            tree.put("decodeError", decodeError);
        }
        return tree;
    }

    /** {@link #toTree()} as one line of JSON. */
    public String toJson() {
        return EventJson.write(toTree());
    }
}
