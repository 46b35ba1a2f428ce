package io.sluice.monitoring.streams;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

import io.sluice.events.PredictionFeedback;
import io.sluice.events.PredictionServed;

/** Windows predictions by when they were served (the event header's occurredAt), falling back to the record's timestamp. */
public final class EventTimeExtractor implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        Object value = record.value();
        if (value instanceof PredictionServed served && served.getHeader() != null) {
            return served.getHeader().getOccurredAt().toEpochMilli();
        }
        if (value instanceof PredictionFeedback feedback && feedback.getHeader() != null) {
            return feedback.getHeader().getOccurredAt().toEpochMilli();
        }
        return record.timestamp() >= 0 ? record.timestamp() : partitionTime;
    }
}
