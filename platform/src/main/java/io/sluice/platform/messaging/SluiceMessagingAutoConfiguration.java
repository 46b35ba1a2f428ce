package io.sluice.platform.messaging;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.KafkaAdmin;

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
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.kafka.KafkaClients;
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

    /** Kafka clients and topics, from Spring's Kafka settings. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({KafkaProperties.class, KafkaAdmin.class})
    @EnableConfigurationProperties({KafkaProperties.class, TopicsProperties.class})
    static class Kafka {

        @Bean
        @ConditionalOnMissingBean
        KafkaClients kafkaClients(KafkaProperties properties) {
            return KafkaClients.from(properties);
        }

        /** Every Sluice topic and its dead-letter topic; KafkaAdmin creates the missing ones when the context starts. */
        @Bean
        @ConditionalOnBooleanProperty(name = "sluice.kafka.topics.create", matchIfMissing = true)
        KafkaAdmin.NewTopics sluiceTopics(TopicsProperties topics) {
            List<NewTopic> all = new ArrayList<>();
            for (SluiceTopics.Topic topic : SluiceTopics.ALL) {
                all.add(newTopic(topic.name(), topic.compacted(), topics));
                all.add(newTopic(topic.deadLetter(), false, topics));
            }
            return new KafkaAdmin.NewTopics(all.toArray(NewTopic[]::new));
        }

        private static NewTopic newTopic(String name, boolean compacted, TopicsProperties topics) {
            return new NewTopic(name, topics.partitions(), topics.replicationFactor()).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, compacted ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE,
                    TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(topics.minInsyncReplicas())));
        }

        /** Dead letters go to {@code <topic>.dlt}, the name the topic list creates, through a producer built like every other. */
        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnClass(name = "org.springframework.cloud.stream.binder.kafka.ListenerContainerWithDlqAndRetryCustomizer")
        DeadLetterCustomizer sluiceDeadLetters(KafkaClients clients) {
            return new DeadLetterCustomizer(clients);
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
