package io.sluice.ingest.messaging;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.converter.MessageConversionException;

import io.sluice.ingest.domain.NotificationIntake;
import io.sluice.ingest.notifications.MalformedNotificationException;
import io.sluice.ingest.notifications.Notification;
import io.sluice.ingest.notifications.NotificationParser;

/**
 * Consumes raw provider notifications (JSON bytes, not Avro) from Kafka: each is normalised and
 * handed to the intake with its record key (handled here under its dataset's owner key, forwarded
 * under any other); a malformed one fails as a (never retried) conversion error, and the
 * platform's dead-letter handler sends it to {@code <topic>.dlt} with the reason.
 */
@Configuration(proxyBeanMethods = false)
class NotificationBindings {

    @Bean
    Consumer<Message<byte[]>> storageNotifications(NotificationParser parser, NotificationIntake intake) {
        return message -> {
            Notification notification;
            try {
                notification = parser.any(message.getPayload(), headers(message));
            } catch (MalformedNotificationException e) {
                // a conversion failure is never retried: the record goes straight to the dead letters
                throw new MessageConversionException(message, "malformed storage notification", e);
            }
            Object key = message.getHeaders().get(KafkaHeaders.RECEIVED_KEY);
            intake.accept(notification.events(), key instanceof String text ? text : null);
        };
    }

    /** Text headers (Pub/Sub attributes bridged as Kafka headers). */
    static Map<String, String> headers(Message<?> message) {
        Map<String, String> headers = new HashMap<>();
        message.getHeaders().forEach((name, value) -> {
            if (value instanceof byte[] bytes) {
                headers.put(name, new String(bytes, StandardCharsets.UTF_8));
            } else if (value instanceof String text) {
                headers.put(name, text);
            }
        });
        return headers;
    }
}
