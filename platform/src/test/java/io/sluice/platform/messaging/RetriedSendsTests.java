package io.sluice.platform.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.kafka.KafkaClients;
import io.sluice.platform.testkit.RestartableBroker;

/** A send through a broker restart: retried while the broker is gone (not current meanwhile), delivered once when it is back. */
class RetriedSendsTests {

    static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void aSendDuringABrokerOutageIsRetriedUntilTheBrokerIsBackAndDeliveredOnce() throws Exception {
        try (RestartableBroker broker = new RestartableBroker(1).start()) {
            broker.createTopics();
            RetriedSends sends = new RetriedSends("decisions");
            try (KafkaProducer<String, String> producer = producer(broker.bootstrapServers())) {
                send(sends, producer, "before");
                assertThat(sends.status().current()).isTrue();

                broker.stop();
                CompletableFuture<Void> during = CompletableFuture.runAsync(() -> send(sends, producer, "during"));
                await().atMost(WAIT).until(() -> !sends.status().current());
                assertThat(sends.status().details().get("reason").toString()).contains("sending to " + SluiceTopics.DEPLOYMENTS);
                assertThat(during).isNotDone();

                broker.start();
                during.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(sends.status().current()).isTrue();
            }
            assertThat(values(broker.bootstrapServers())).containsExactly("before", "during");
        }
    }

    @Test
    void aBoundedSendGivesUpAfterItsTimeoutAndIsNoLongerCountedAsFailing() {
        RetriedSends sends = new RetriedSends("commands");
        assertThatThrownBy(() -> sends.send("nowhere", () -> {
            throw new IllegalStateException("broker unreachable");
        }, Duration.ofMillis(500))).hasMessageContaining("could not send to nowhere within PT0.5S").hasMessageContaining("broker unreachable");
        assertThat(sends.status().current()).isTrue();
    }

    private static void send(RetriedSends sends, KafkaProducer<String, String> producer, String value) {
        sends.send(SluiceTopics.DEPLOYMENTS, () -> {
            try {
                producer.send(new ProducerRecord<>(SluiceTopics.DEPLOYMENTS, "digits", value)).get();
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        });
    }

    /** A producer that fails fast while the broker is gone (the retry is the caller's). */
    private static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 2000), new StringSerializer(), new StringSerializer());
    }

    private static List<String> values(String bootstrap) {
        List<String> values = new ArrayList<>();
        TopicPartition partition = new TopicPartition(SluiceTopics.DEPLOYMENTS, 0);
        try (KafkaConsumer<String, byte[]> reader = KafkaClients.forBootstrap(bootstrap).reader("retried-sends-test", Map.of())) {
            reader.assign(List.of(partition));
            reader.seekToBeginning(List.of(partition));
            long end = reader.endOffsets(List.of(partition)).get(partition);
            while (reader.position(partition) < end) {
                reader.poll(Duration.ofMillis(200)).forEach(r -> values.add(new String(r.value(), StandardCharsets.UTF_8)));
            }
        }
        return values;
    }
}
