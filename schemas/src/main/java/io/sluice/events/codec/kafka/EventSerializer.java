package io.sluice.events.codec.kafka;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

import io.sluice.events.codec.EventCodec;

/** Kafka serializer for Sluice events (single-object encoding); the services' value serializer. */
public class EventSerializer implements Serializer<SpecificRecord> {

    private final EventCodec codec;

    public EventSerializer() {
        this(EventCodecs.shared());
    }

    public EventSerializer(EventCodec codec) {
        this.codec = codec;
    }

    @Override
    public byte[] serialize(String topic, SpecificRecord event) {
        return event == null ? null : codec.encode(event);
    }
}
