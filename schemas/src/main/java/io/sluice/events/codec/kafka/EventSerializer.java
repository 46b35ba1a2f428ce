package io.sluice.events.codec.kafka;

import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

import io.sluice.events.codec.EventCodec;
import io.sluice.events.codec.WireSettings;

/**
 * Kafka serializer for Sluice events; the services' value serializer. Built by class name, it takes
 * the codec for the client config's {@value WireSettings#WIRE_FORMAT} and {@value WireSettings#REGISTRY_URL}
 * (platform's {@code sluice-defaults.yaml} passes both): single-object encoding by default, Confluent
 * framing through the registry in registry mode.
 */
public class EventSerializer implements Serializer<SpecificRecord> {

    private final boolean fromConfig;
    private EventCodec codec;

    public EventSerializer() {
        this.codec = EventCodec.singleObject();
        this.fromConfig = true;
    }

    public EventSerializer(EventCodec codec) {
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
    public byte[] serialize(String topic, SpecificRecord event) {
        return event == null ? null : codec.encode(event);
    }
}
