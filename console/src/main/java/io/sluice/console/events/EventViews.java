package io.sluice.console.events;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import io.sluice.events.codec.EventCodec;
import io.sluice.events.codec.EventDecodingException;
import io.sluice.platform.events.EventJson;
import io.sluice.platform.events.SluiceTopics;

/** Turns raw Kafka records into {@link EventView}s; never throws on bad bytes. */
public final class EventViews {

    /** Header the platform's dead-letter publisher writes with the reason. */
    public static final String DLT_REASON_HEADER = "sluice-dlt-reason";

    private final EventCodec codec;

    public EventViews(EventCodec codec) {
        this.codec = codec;
    }

    public EventView view(ConsumerRecord<String, byte[]> record) {
        String reason = header(record, DLT_REASON_HEADER);
        Instant timestamp = record.timestamp() < 0 ? null : Instant.ofEpochMilli(record.timestamp());
        byte[] bytes = record.value();
        Map<String, Object> event = null;
        String error = null;
        boolean raw = record.topic().equals(SluiceTopics.NOTIFICATIONS);
        if (bytes != null && !raw) {
            try {
                event = EventJson.toTree(codec.decode(bytes));
            } catch (EventDecodingException | IllegalArgumentException e) {
                // dead letters hold whatever could not be processed; show it as text instead
                if (!record.topic().endsWith(".dlt")) {
                    error = e.getMessage();
                }
            }
        }
        String value = event == null ? text(bytes) : null;
        return new EventView(record.topic(), record.key(), record.partition(), record.offset(), timestamp, event, value,
                reason, error);
    }

    /** The value as UTF-8 text when it is, else {@code base64:…}; null for a tombstone. */
    static String text(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return "base64:" + Base64.getEncoder().encodeToString(bytes);
        }
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
