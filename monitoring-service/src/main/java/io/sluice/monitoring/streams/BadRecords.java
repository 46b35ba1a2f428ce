package io.sluice.monitoring.streams;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.platform.messaging.DeadLetterCustomizer;
import io.sluice.platform.security.LogSafe;

/**
 * Where records the topology cannot decode go: counted ({@code sluice_monitoring_bad_records_total}),
 * logged, and copied to {@code <topic>.dlt} with the reason in platform's {@code sluice-dlt-reason} header
 * ({@link DeadLetterCustomizer#REASON_HEADER}).
 */
public final class BadRecords {

    private static final Logger log = LoggerFactory.getLogger(BadRecords.class);

    private final Producer<byte[], byte[]> producer;
    private final MeterRegistry registry;

    public BadRecords(Producer<byte[], byte[]> producer, MeterRegistry registry) {
        this.producer = producer;
        this.registry = registry;
    }

    /** Counts, logs and dead-letters a record; never throws. */
    void reject(ConsumerRecord<byte[], byte[]> record, Exception cause) {
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        Counter.builder("sluice.monitoring.bad.records").tag("topic", record.topic())
                .description("records the monitoring topology could not decode and skipped").register(registry).increment();
        log.warn("skipping undecodable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), LogSafe.text(reason));
        try {
            ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>(record.topic() + ".dlt", record.key(), record.value());
            dead.headers().add(DeadLetterCustomizer.REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
            producer.send(dead).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("could not dead-letter {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.toString());
        }
    }

    void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
