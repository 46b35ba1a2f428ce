package io.sluice.platform.messaging;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.converter.MessageConverter;

import io.sluice.events.codec.EventCodec;
import io.sluice.events.codec.spring.AvroEventMessageConverter;

/**
 * Registers the event codec and the message converter for
 * {@value AvroEventMessageConverter#CONTENT_TYPE}; Spring Cloud Stream picks up every
 * {@link MessageConverter} bean. A binding that cannot decode a record dead-letters it.
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
}
