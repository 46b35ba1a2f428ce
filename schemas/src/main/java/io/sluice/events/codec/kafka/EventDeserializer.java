package io.sluice.events.codec.kafka;

import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

import io.sluice.events.codec.EventCodec;
import io.sluice.events.codec.EventDecodingException;
import io.sluice.events.codec.WireSettings;

/**
 * Kafka deserializer for Sluice events, single-object and registry-framed alike (the latter needs
 * {@value WireSettings#REGISTRY_URL} in the client config). It throws {@link EventDecodingException}
 * naming the reason; services wrap it in Spring Kafka's {@code ErrorHandlingDeserializer}, so an
 * undecodable record reaches the binding's dead-letter topic instead of stopping the consumer.
 */
public class EventDeserializer implements Deserializer<SpecificRecord> {

    private final boolean fromConfig;
    private EventCodec codec;

    public EventDeserializer() {
        this.codec = EventCodec.singleObject();
        this.fromConfig = true;
    }

    public EventDeserializer(EventCodec codec) {
        this.codec = codec;
        this.fromConfig = false;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (fromConfig) {
            codec = EventCodec.of(WireSettings.from(configs::get));
        }
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
