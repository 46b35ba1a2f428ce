package io.sluice.platform.events;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** Plain JSON for people and tools: what {@code sluice events} prints and the console shows. */
public final class EventJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private EventJson() {}

    /** The event as a JSON object tree with an added {@code "type"} (the event's simple name). */
    public static Map<String, Object> toTree(IndexedRecord event) {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("type", event.getSchema().getName());
        tree.putAll(record(event));
        return tree;
    }

    /** The event as one line of JSON. */
    public static String toJson(IndexedRecord event) {
        return MAPPER.writeValueAsString(toTree(event));
    }

    /** Any tree of maps, lists and scalars as one line of JSON. */
    public static String write(Object tree) {
        return MAPPER.writeValueAsString(tree);
    }

    private static Map<String, Object> record(IndexedRecord record) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Schema.Field field : record.getSchema().getFields()) {
            fields.put(field.name(), value(record.get(field.pos())));
        }
        return fields;
    }

    private static Object value(Object value) {
        if (value instanceof IndexedRecord nested) {
            return record(nested);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), value(v)));
            return out;
        }
        if (value instanceof Collection<?> items) {
            List<Object> out = new ArrayList<>(items.size());
            items.forEach(item -> out.add(value(item)));
            return out;
        }
        if (value instanceof Instant || value instanceof GenericEnumSymbol<?> || value instanceof Enum<?>
                || value instanceof CharSequence) {
            return value.toString();
        }
        if (value instanceof ByteBuffer bytes) {
            return java.util.HexFormat.of().formatHex(bytes.array());
        }
        if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
            return d.toString();
        }
        return value;
    }
}
