package io.sluice.platform.messaging;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.BiFunction;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.cloud.stream.binder.kafka.ListenerContainerWithDlqAndRetryCustomizer;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.FixedBackOff;

import io.sluice.events.codec.EventCodec;
import io.sluice.events.codec.kafka.EventSerializer;
import io.sluice.platform.kafka.KafkaClients;

/**
 * Retries and dead letters for every binding, in the listener container: a record that cannot
 * be decoded, or whose handler still fails after the binding's retries, is published unchanged
 * to {@code <topic>.dlt} with Spring Kafka's {@code kafka_dlt-exception-message},
 * {@code kafka_dlt-exception-fqcn}, {@code kafka_dlt-original-topic} (…) headers plus
 * {@value #REASON_HEADER} (the root cause, e.g. {@code EventDecodingException: UNKNOWN_FORMAT: …}), and the
 * consumer moves on. Decoding failures are never retried.
 */
public class DeadLetterCustomizer implements ListenerContainerWithDlqAndRetryCustomizer {

    private final KafkaTemplate<String, Object> template;

    /** Dead letters that are events (not the raw bytes of an undecodable record) are written by {@code codec}, as the bindings write. */
    public DeadLetterCustomizer(KafkaClients clients, EventCodec codec) {
        Map<String, Object> config = clients.producerConfig();
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "sluice-dead-letters");
        var values = new DelegatingByTypeSerializer(Map.of(byte[].class, new ByteArraySerializer(),
                SpecificRecord.class, new EventSerializer(codec)), true);
        this.template = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(config, new StringSerializer(), values));
    }

    /** Header with the innermost cause's message: why the record could not be processed. */
    public static final String REASON_HEADER = "sluice-dlt-reason";

    /** The most specific message in a cause chain (wrappers such as "failed to deserialize" say little). */
    static String reason(Throwable exception) {
        Throwable cause = exception;
        String reason = String.valueOf(exception.getMessage());
        while (cause != null) {
            if (cause.getMessage() != null) {
                reason = cause.getClass().getSimpleName() + ": " + cause.getMessage();
            }
            cause = cause.getCause() == cause ? null : cause.getCause();
        }
        return reason;
    }

    /** The dead-letter topic of a record's topic. */
    public static String deadLetterTopic(String topic) {
        return topic + ".dlt";
    }

    @Override
    public void configure(AbstractMessageListenerContainer<?, ?> container, String destinationName, String group,
                          BiFunction<ConsumerRecord<?, ?>, Exception, TopicPartition> dlqDestinationResolver, BackOff backOff) {
        var recoverer = new DeadLetterPublishingRecoverer(template,
                (record, exception) -> new TopicPartition(deadLetterTopic(record.topic()), -1));
        recoverer.setHeadersFunction((record, exception) -> new RecordHeaders(new Header[] {
                new RecordHeader(REASON_HEADER, reason(exception).getBytes(StandardCharsets.UTF_8))}));
        // the binder passes no back-off when a binding has max-attempts 1
        DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, backOff == null ? new FixedBackOff(0, 0) : backOff);
        // keep the rest of the batch in memory instead of seeking and fetching it again after each dead letter
        handler.setSeekAfterError(false);
        container.setCommonErrorHandler(handler);
    }

    @Override
    public boolean retryAndDlqInBinding(String destinationName, String group) {
        return false;
    }
}
