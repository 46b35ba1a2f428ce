package io.sluice.platform.messaging;

import java.time.Clock;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.converter.MessageConverter;

import io.sluice.events.codec.EventCodec;
import io.sluice.events.codec.spring.AvroEventMessageConverter;
import io.sluice.platform.events.EventHeaders;

/**
 * Registers the event codec and the message converter for
 * {@value AvroEventMessageConverter#CONTENT_TYPE} (Spring Cloud Stream picks up every
 * {@link MessageConverter} bean), the header factory, and the dead-letter naming: a binding that
 * cannot process a record sends it to {@code <topic>.dlt} with the reason in headers.
 */
@AutoConfiguration
@ConditionalOnClass(MessageConverter.class)
public class SluiceMessagingAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    EventCodec eventCodec() {
        return EventCodec.singleObject();
    }

    @Bean
    @ConditionalOnMissingBean
    AvroEventMessageConverter avroEventMessageConverter(EventCodec codec) {
        return new AvroEventMessageConverter(codec);
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    @ConditionalOnMissingBean
    EventHeaders eventHeaders(@Value("${sluice.producer}") String producer, Clock clock) {
        return new EventHeaders(producer, clock);
    }

    /** Dead letters go to {@code <topic>.dlt}, the name the topic list creates. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.cloud.stream.binder.kafka.ListenerContainerWithDlqAndRetryCustomizer")
    static class DeadLetters {

        @Bean
        @ConditionalOnMissingBean
        DeadLetterCustomizer sluiceDeadLetters(@Value("${spring.cloud.stream.kafka.binder.brokers}") String brokers) {
            return new DeadLetterCustomizer(brokers);
        }
    }
}
