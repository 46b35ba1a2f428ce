package io.sluice.monitoring.streams;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import io.sluice.events.codec.kafka.EventDeserializer;
import io.sluice.events.codec.kafka.EventSerializer;
import io.sluice.monitoring.domain.ModelWindow;
import io.sluice.monitoring.domain.StatsCodec;

/** Serdes of the topology: Sluice events as single-object Avro, window aggregates in {@link StatsCodec}'s format. */
final class MonitoringSerdes {

    private MonitoringSerdes() {}

    static Serde<SpecificRecord> events() {
        return Serdes.serdeFrom(new EventSerializer(), new EventDeserializer());
    }

    @SuppressWarnings("unchecked")
    static <T extends SpecificRecord> Serde<T> events(Class<T> type) {
        return (Serde<T>) (Serde<?>) events();
    }

    static Serde<ModelWindow> windows() {
        return Serdes.serdeFrom((topic, window) -> window == null ? null : StatsCodec.encode(window),
                (topic, bytes) -> bytes == null ? null : StatsCodec.decode(bytes));
    }
}
