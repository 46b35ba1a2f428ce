package io.sluice.events.codec.kafka;

import io.sluice.events.codec.EventCodec;

/** One codec per JVM for serdes that Kafka instantiates by class name. */
final class EventCodecs {

    private static final class Holder {
        static final EventCodec SHARED = EventCodec.singleObject();
    }

    static EventCodec shared() {
        return Holder.SHARED;
    }

    private EventCodecs() {}
}
