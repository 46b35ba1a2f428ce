package io.sluice.monitoring.streams;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Keeps the Streams application alive on undecodable records: hands them to {@link BadRecords}
 * (count, log, dead-letter) and continues. {@link BadRecords} arrives through the streams
 * configuration under {@value #BAD_RECORDS}.
 */
public final class DeadLetteringDeserializationHandler implements DeserializationExceptionHandler {

    /** Streams configuration key holding the {@link BadRecords} instance. */
    public static final String BAD_RECORDS = "sluice.monitoring.bad-records";

    private BadRecords badRecords;

    @Override
    public void configure(Map<String, ?> configs) {
        Object configured = configs.get(BAD_RECORDS);
        if (configured instanceof BadRecords records) {
            this.badRecords = records;
        }
    }

    @Override
    public DeserializationHandlerResponse handle(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                                 Exception exception) {
        if (badRecords != null) {
            badRecords.reject(record, exception);
        }
        return DeserializationHandlerResponse.CONTINUE;
    }
}
