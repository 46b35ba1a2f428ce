package io.sluice.platform.events;

import java.time.Clock;
import java.util.UUID;

import io.sluice.events.EventHeader;

/** Builds the header every event starts with, keeping the lineage (correlation and causation) intact. */
public final class EventHeaders {

    private final String producer;
    private final Clock clock;

    /**
     * @param producer {@code service/version} written into every header
     */
    public EventHeaders(String producer, Clock clock) {
        this.producer = producer;
        this.clock = clock;
    }

    /** A header for an event that starts a pipeline run (an upload, an operator's command). */
    public EventHeader start(String correlationId) {
        return new EventHeader(UUID.randomUUID().toString(), clock.instant(), correlationId, null, producer);
    }

    /** A header for an event caused by another: same run, caused by that event. */
    public EventHeader causedBy(EventHeader cause) {
        return new EventHeader(UUID.randomUUID().toString(), clock.instant(), cause.getCorrelationId(), cause.getEventId(), producer);
    }

    public String producer() {
        return producer;
    }
}
