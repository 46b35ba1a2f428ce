package io.sluice.platform.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.sluice.events.DatasetReady;
import io.sluice.events.Events;
import io.sluice.platform.events.SluiceTopics;

/** The shared wiring end to end on a real broker: events decode, undecodable bytes dead-letter with the reason. */
@SpringBootTest(classes = DeadLetterIntegrationTests.App.class, properties = {
        "spring.cloud.function.definition=record",
        "spring.cloud.stream.bindings.record-in-0.destination=sluice.datasets",
        "spring.cloud.stream.bindings.record-in-0.group=platform-test",
        // one attempt: the binder then passes no back-off at all
        "spring.cloud.stream.bindings.record-in-0.consumer.max-attempts=1"})
class DeadLetterIntegrationTests {

    @RegisterExtension
    static SluiceKafka kafka = new SluiceKafka();

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        kafka.register(registry);
    }

    @Autowired
    List<SpecificRecord> received;

    @Test
    void decodesEventsAndDeadLettersUndecodableRecordsWithTheReason() {
        kafka.publishRaw(SluiceTopics.DATASETS, "digits", "{\"not\": \"avro\"}".getBytes());
        for (int i = 0; i < 50; i++) {
            kafka.publishRaw(SluiceTopics.DATASETS, "junk-" + i, new byte[] {(byte) i});
        }
        DatasetReady event = Events.datasetReady().build();
        kafka.publish(SluiceTopics.DATASETS, "digits", event);

        List<ConsumerRecord<String, byte[]>> deadLetters = kafka.awaitRecords(SluiceTopics.DATASETS + ".dlt", r -> true, 51, Duration.ofSeconds(30));
        ConsumerRecord<String, byte[]> dead = deadLetters.get(0);

        assertThat(SluiceKafka.header(dead, "sluice-dlt-reason")).startsWith("EventDecodingException: UNKNOWN_FORMAT");
        assertThat(SluiceKafka.header(dead, "kafka_dlt-exception-fqcn")).contains("DeserializationException");
        assertThat(SluiceKafka.header(dead, "kafka_dlt-original-topic")).isEqualTo(SluiceTopics.DATASETS);
        assertThat(dead.key()).isEqualTo("digits");
        assertThat(dead.value()).isEqualTo("{\"not\": \"avro\"}".getBytes());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (received.isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(received).containsExactly(event);
    }

    @SpringBootApplication
    static class App {
        @Bean
        List<SpecificRecord> received() {
            return new CopyOnWriteArrayList<>();
        }

        @Bean
        Consumer<SpecificRecord> record(List<SpecificRecord> received) {
            return received::add;
        }
    }
}
