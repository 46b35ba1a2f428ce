package io.sluice.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import io.sluice.evaluation.domain.ModelRegistry;
import io.sluice.events.Events;
import io.sluice.events.codec.EventCodec;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.kafka.KafkaClients;
import io.sluice.platform.testkit.RestartableBroker;

/**
 * The registry through a broker restart, in a running service: readiness (derivedState) goes DOWN while the broker is gone,
 * and afterwards the registry catches up with what was published meanwhile — no service restart.
 */
class RegistryOutageIntegrationTests {

    static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void theRegistryCatchesUpAfterABrokerRestartAndReadinessIsDownWhileItCannot() throws Exception {
        Path dataDir = Files.createTempDirectory("sluice-test-evaluation-outage");
        EventCodec codec = EventCodec.singleObject();
        try (RestartableBroker broker = new RestartableBroker(3).start()) {
            broker.createTopics();
            KafkaClients clients = KafkaClients.forBootstrap(broker.bootstrapServers());
            try (ConfigurableApplicationContext service = new SpringApplicationBuilder(EvaluationServiceApplication.class).run(
                    "--spring.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                    "--spring.cloud.stream.kafka.binder.brokers=" + broker.bootstrapServers(),
                    "--sluice.kafka.topics.partitions=3", "--server.port=0", "--sluice.data-dir=" + dataDir)) {
                HealthIndicator readiness = service.getBean("derivedState", HealthIndicator.class);
                ModelRegistry registry = service.getBean(ModelRegistry.class);
                publish(clients, codec, "before");
                await().atMost(WAIT).until(() -> registry.get("before", "v1").isPresent() && readiness.health().getStatus().equals(Status.UP));

                broker.stop();
                await().atMost(WAIT).until(() -> readiness.health().getStatus().equals(Status.DOWN));
                assertThat(readiness.health().getDetails().get("registry").toString()).contains("cannot read");

                broker.start();
                publish(clients, codec, "after");
                await().atMost(WAIT).until(() -> registry.get("after", "v1").isPresent() && readiness.health().getStatus().equals(Status.UP));
                assertThat(registry.modelNames()).contains("before", "after");
            }
        }
    }

    private static void publish(KafkaClients clients, EventCodec codec, String model) throws Exception {
        try (KafkaProducer<String, byte[]> producer = clients.producer("outage-test")) {
            producer.send(new ProducerRecord<>(SluiceTopics.TRAINING, "run-" + model,
                    codec.encode(Events.trainingCompleted().setRunId("run-" + model).setModelName(model).setModelVersion("v1").build())))
                    .get();
        }
    }
}
