package io.sluice.events.codec.kafka;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

import io.sluice.events.codec.EventCodec;
import io.sluice.events.codec.EventDecodingException;

/**
 * Kafka deserializer for Sluice events. It throws {@link EventDecodingException} naming the
 * reason; services wrap it in Spring Kafka's {@code ErrorHandlingDeserializer}, so an
 * undecodable record reaches the binding's dead-letter topic instead of stopping the consumer.
 */
public class EventDeserializer implements Deserializer<SpecificRecord> {

    private final EventCodec codec;

    public EventDeserializer() {
        this(EventCodecs.shared());
    }

    public EventDeserializer(EventCodec codec) {
        this.codec = codec;
    }

    @Override
    public SpecificRecord deserialize(String topic, byte[] data) {
        if (data == null) {
            return null; // a tombstone on a compacted topic
        }
        try {
            return codec.decode(data);
        } catch (EventDecodingException e) {
            throw new EventDecodingException(e.reason(), "record on " + topic + " is not a Sluice event: " + e.getMessage(), e);
        }
    }
}
