package io.sluice.evaluation;

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
import io.sluice.evaluation.messaging.EvaluationRunner;
import io.sluice.evaluation.messaging.TrainingEvents;
import io.sluice.evaluation.registry.RegistryHealth;
import io.sluice.evaluation.registry.RegistryProjection;
import io.sluice.events.codec.EventCodec;
import io.sluice.models.Devices;
import io.sluice.models.ModelPackage;
import io.sluice.platform.events.EventHeaders;
import io.sluice.platform.storage.ObjectStore;

/** Builds the evaluation's objects: scorer, evaluator, decision store, registry projection, runner and the training consumer. */
@Configuration(proxyBeanMethods = false)
class EvaluationConfiguration {

    @Bean
    ModelRegistry modelRegistry() {
        return new ModelRegistry();
    }

    @Bean
    RegistryProjection registryProjection(ModelRegistry registry, EventCodec codec, EvaluationProperties properties,
                                          @Value("${spring.cloud.stream.kafka.binder.brokers}") String brokers) {
        return new RegistryProjection(registry, codec, brokers, properties.registryTopics());
    }

    /** Health contributor {@code registry}: readiness waits for the replay. */
    @Bean
    RegistryHealth registry(RegistryProjection projection) {
        return new RegistryHealth(projection);
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
        EvaluationRunner runner = new EvaluationRunner(evaluator, decisions, registry, projection, properties, headers, codec, bridge,
                executor);
        projection.onUndecided(runner::submit);
        return runner;
    }

    /** Consumer of sluice.training (binding {@code training-in-0}). */
    @Bean
    TrainingEvents training(EvaluationRunner runner) {
        return new TrainingEvents(runner);
    }
}
