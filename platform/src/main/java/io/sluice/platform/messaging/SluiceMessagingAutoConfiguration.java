package io.sluice.platform.messaging;

import java.time.Clock;
import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.KafkaTemplate;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.messaging.converter.MessageConverter;

import io.sluice.events.codec.EventCodec;
import io.sluice.events.codec.WireSettings;
import io.sluice.events.codec.spring.AvroEventMessageConverter;
import io.sluice.platform.events.EventHeaders;
import io.sluice.platform.kafka.KafkaClients;
import io.sluice.platform.kafka.TopicCreator;
import io.sluice.platform.kafka.TopicsProperties;

/**
 * Registers the event codec and the message converter for
 * {@value AvroEventMessageConverter#CONTENT_TYPE} (Spring Cloud Stream picks up every
 * {@link MessageConverter} bean), the header factory, and the dead-letter naming: a binding that
 * cannot process a record sends it to {@code <topic>.dlt} with the reason in headers. With Spring's
 * Kafka support present: {@link KafkaClients} from {@code spring.kafka.*}, every Sluice topic and
 * its {@code .dlt} created at start-up ({@link TopicsProperties}), and the {@code derivedState}
 * health contributor that readiness includes.
 */
@AutoConfiguration
@ConditionalOnClass(MessageConverter.class)
public class SluiceMessagingAutoConfiguration {

    /**
     * The process's codec: {@code sluice.events.wire-format} and {@code sluice.events.registry-url} pick what it writes
     * and where it looks registry ids up; the Kafka serdes get the same settings from sluice-defaults.yaml and so the
     * same codec instance ({@link EventCodec#of}).
     */
    @Bean
    @ConditionalOnMissingBean
    EventCodec eventCodec(Environment environment) {
        return EventCodec.of(WireSettings.from(environment::getProperty));
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

    /** Kafka clients and topics, from Spring's Kafka settings. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({KafkaProperties.class, KafkaTemplate.class})
    @EnableConfigurationProperties({KafkaProperties.class, TopicsProperties.class})
    static class Kafka {

        @Bean
        @ConditionalOnMissingBean
        KafkaClients kafkaClients(KafkaProperties properties) {
            return KafkaClients.from(properties);
        }

        /** Every missing Sluice topic and its dead-letter topic, created when the context starts (existing ones left alone). */
        @Bean
        @ConditionalOnBooleanProperty(name = "sluice.kafka.topics.create", matchIfMissing = true)
        TopicCreator sluiceTopics(KafkaClients clients, TopicsProperties topics) {
            return new TopicCreator(clients, topics, Duration.ofSeconds(30));
        }

        /** Dead letters go to {@code <topic>.dlt}, the name the topic list creates, through a producer built like every other. */
        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnClass(name = "org.springframework.cloud.stream.binder.kafka.ListenerContainerWithDlqAndRetryCustomizer")
        DeadLetterCustomizer sluiceDeadLetters(KafkaClients clients, EventCodec codec) {
            return new DeadLetterCustomizer(clients, codec);
        }
    }

    /** Readiness waits for state derived from topics. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class Health {

        @Bean
        @ConditionalOnMissingBean(name = "derivedState")
        DerivedStateHealth derivedState(ObjectProvider<io.sluice.platform.events.DerivedState> states) {
            return new DerivedStateHealth(states);
        }
    }
}
