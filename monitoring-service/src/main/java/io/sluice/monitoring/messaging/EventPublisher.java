package io.sluice.monitoring.messaging;

import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.stereotype.Component;
import io.sluice.platform.security.LogSafe;

/**
 * Publishes events keyed by model name through Spring Cloud Stream, synchronously (the Kafka
 * binder's {@code producer.sync}, set in application.yaml): {@code true} only once the broker
 * acknowledged the record. A failure is logged and answered {@code false}, so that the caller keeps
 * its gate or cooldown open and sends again.
 */
@Component
class EventPublisher {

    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

    private final StreamBridge bridge;

    EventPublisher(StreamBridge bridge) {
        this.bridge = bridge;
    }

    boolean publish(String topic, String model, SpecificRecord event) {
        boolean sent;
        try {
            sent = bridge.send(topic, MessageBuilder.withPayload(event).setHeader(KafkaHeaders.KEY, model).build());
        } catch (RuntimeException e) {
            log.warn("could not publish {} for {} to {}, will send again: {}", event.getSchema().getName(), LogSafe.text(model), topic, LogSafe.text(e));
            return false;
        }
        if (!sent) {
            log.warn("could not publish {} for {} to {}, will send again", event.getSchema().getName(), LogSafe.text(model), topic);
        } else {
            log.info("published {} for {} to {}", event.getSchema().getName(), LogSafe.text(model), topic);
        }
        return sent;
    }
}
