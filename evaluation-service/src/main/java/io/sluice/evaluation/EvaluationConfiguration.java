package io.sluice.evaluation;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.sluice.evaluation.djl.DjlScorer;
import io.sluice.evaluation.domain.ModelRegistry;
import io.sluice.evaluation.evaluate.DecisionStore;
import io.sluice.evaluation.evaluate.ModelEvaluator;
import io.sluice.evaluation.messaging.EvaluationOwnership;
import io.sluice.evaluation.messaging.EvaluationRunner;
import io.sluice.evaluation.messaging.TrainingEvents;
import io.sluice.evaluation.registry.RegistryCommands;
import io.sluice.evaluation.registry.RegistryProjection;
import io.sluice.events.codec.EventCodec;
import io.sluice.models.Devices;
import io.sluice.models.ModelPackage;
import io.sluice.platform.events.EventHeaders;
import io.sluice.platform.kafka.KafkaClients;
import io.sluice.platform.messaging.OwnedPartitions;
import io.sluice.platform.storage.ObjectStore;

/** Builds the evaluation's objects: scorer, evaluator, decision store, registry projection, runner and the training consumer. */
@Configuration(proxyBeanMethods = false)
class EvaluationConfiguration {

    @Bean
    ModelRegistry modelRegistry() {
        return new ModelRegistry();
    }

    /** The registry on every replica; a DerivedState, so readiness waits for it (platform's derivedState health). */
    @Bean
    RegistryProjection registryProjection(ModelRegistry registry, EventCodec codec, EvaluationProperties properties, KafkaClients clients,
                                          EventHeaders headers) {
        return new RegistryProjection(registry, codec, clients, properties.registryTopics(), properties.registryStateTopic(), headers);
    }

    /** Operators' registry commands, published for every replica's projection to fold. */
    @Bean
    RegistryCommands registryCommands(RegistryProjection projection, StreamBridge bridge, EventHeaders headers) {
        return new RegistryCommands(projection, bridge, headers.producer());
    }

    @Bean
    DjlScorer djlScorer(ObjectStore store, EvaluationProperties properties) {
        return new DjlScorer(store, new ModelPackage(store, properties.modelCache()), Devices.best(), properties.batchSize());
    }

    @Bean
    ModelEvaluator modelEvaluator(ObjectStore store, DjlScorer scorer) {
        return new ModelEvaluator(store, scorer);
    }

    @Bean
    DecisionStore decisionStore(ObjectStore store, EvaluationProperties properties) {
        return new DecisionStore(store, properties.modelsBucket());
    }

    @Bean(destroyMethod = "close")
    EvaluationRunner evaluationRunner(ModelEvaluator evaluator, DecisionStore decisions, ModelRegistry registry,
                                      RegistryProjection projection, EvaluationProperties properties, EventHeaders headers,
                                      EventCodec codec, StreamBridge bridge) {
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(properties.workers(), r -> {
            Thread thread = new Thread(r, "evaluation-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        return new EvaluationRunner(evaluator, decisions, registry, projection, properties, headers, codec, bridge, executor);
    }

    /** One owner per training partition: it resumes the undecided versions there and alone publishes decisions for them. */
    @Bean
    OwnedPartitions evaluationOwnership(RegistryProjection projection, EvaluationRunner runner, KafkaClients clients, EventCodec codec,
                                        @Value("${spring.cloud.stream.bindings.training-in-0.destination}") String trainingTopic) {
        OwnedPartitions ownership = new OwnedPartitions("evaluations", null,
                new EvaluationOwnership(projection, runner, clients, codec, trainingTopic, Duration.ofMinutes(4)));
        runner.ownership(ownership::owns);
        projection.writes(ownership::owns); // the owner of a model's key writes its state to the compacted registry topic
        return ownership;
    }

    /** Consumer of sluice.training (binding {@code training-in-0}). */
    @Bean
    TrainingEvents training(EvaluationRunner runner) {
        return new TrainingEvents(runner);
    }
}
