package io.sluice.monitoring.streams;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import io.sluice.events.codec.EventCodec;
import io.sluice.events.codec.kafka.EventDeserializer;
import io.sluice.events.codec.kafka.EventSerializer;
import io.sluice.monitoring.domain.ModelWindow;
import io.sluice.monitoring.domain.StatsCodec;

/** Serdes of the topology: Sluice events through the process's codec (either wire format), window aggregates in {@link StatsCodec}'s format. */
final class MonitoringSerdes {

    private MonitoringSerdes() {}

    static Serde<SpecificRecord> events(EventCodec codec) {
        return Serdes.serdeFrom(new EventSerializer(codec), new EventDeserializer(codec));
    }

    static Serde<ModelWindow> windows() {
        return Serdes.serdeFrom((topic, window) -> window == null ? null : StatsCodec.encode(window),
                (topic, bytes) -> bytes == null ? null : StatsCodec.decode(bytes));
    }
}
