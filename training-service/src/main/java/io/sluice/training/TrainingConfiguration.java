package io.sluice.training;

import java.io.IOException;
import java.time.Clock;

import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.sluice.models.ModelPackage;
import io.sluice.platform.messaging.OwnedPartitions;
import io.sluice.platform.storage.ObjectStore;
import io.sluice.training.djl.DjlTrainingBackend;
import io.sluice.training.domain.ProductionModels;
import io.sluice.training.domain.TrainingBackend;
import io.sluice.training.modelarts.ModelArtsTrainingBackend;
import io.sluice.training.vertex.VertexAiTrainingBackend;
import io.sluice.training.domain.TrainingListener;
import io.sluice.training.domain.TrainingRuns;
import io.sluice.training.journal.ObjectStoreRunJournal;
import io.sluice.training.messaging.TrainingOwner;
import io.sluice.training.messaging.TuningWinners;
import io.sluice.training.domain.tuning.HyperparameterSearches;
import io.sluice.training.domain.tuning.TunedParameters;
import io.sluice.training.domain.tuning.TuningListener;
import io.sluice.training.journal.ObjectStoreSearchJournal;
import io.sluice.events.codec.EventCodec;
import io.sluice.platform.kafka.KafkaClients;
import org.springframework.beans.factory.annotation.Value;

/** Builds the domain: the run journal, the local DJL backend and the run scheduler. */
@Configuration(proxyBeanMethods = false)
class TrainingConfiguration {

    /** The backend chosen by {@code sluice.training.backend}: local DJL, ModelArts training jobs or Vertex AI CustomJobs. */
    @Bean
    TrainingBackend trainingBackend(ObjectStore store, TrainingProperties properties,
                                    org.springframework.beans.factory.ObjectProvider<org.springframework.web.client.RestClient.Builder> http)
            throws IOException {
        ModelPackage models = new ModelPackage(store, properties.modelCacheDir());
        if ("modelarts".equals(properties.backend())) {
            TrainingProperties.ModelArts m = properties.modelarts();
            return new ModelArtsTrainingBackend(http.getIfAvailable(org.springframework.web.client.RestClient::builder),
                    new ModelArtsTrainingBackend.Settings(m.endpoint(), m.projectId(), m.imageUrl(), m.command(), m.flavorId(), m.nodeCount(),
                            m.pollInterval(), m.timeout()),
                    m.authentication(Clock.systemUTC()), models, properties.modelsBucket(),
                    io.github.resilience4j.retry.Retry.of("modelarts", ModelArtsTrainingBackend.retryConfig(m.maxAttempts(), java.time.Duration.ofSeconds(1))),
                    io.github.resilience4j.circuitbreaker.CircuitBreaker.ofDefaults("modelarts"), Clock.systemUTC());
        }
        if ("vertex-ai".equals(properties.backend())) {
            TrainingProperties.Vertex v = properties.vertex();
            var client = com.google.cloud.aiplatform.v1.JobServiceClient.create(com.google.cloud.aiplatform.v1.JobServiceSettings.newBuilder()
                    .setEndpoint(v.location() + "-aiplatform.googleapis.com:443").build());
            return new VertexAiTrainingBackend(client, new VertexAiTrainingBackend.Settings(v.project(), v.location(), v.imageUri(),
                    v.machineType(), v.acceleratorType(), v.acceleratorCount(), v.spot(), v.restartOnFailure(), v.timeout(), v.pollInterval(),
                    v.baseOutputDirectory()),
                    models, properties.modelsBucket(),
                    io.github.resilience4j.retry.Retry.of("vertex-ai", VertexAiTrainingBackend.retryConfig(v.maxAttempts(), java.time.Duration.ofSeconds(1))),
                    io.github.resilience4j.circuitbreaker.CircuitBreaker.ofDefaults("vertex-ai"), Clock.systemUTC());
        }
        return new DjlTrainingBackend(store, models, properties.modelsBucket(), Clock.systemUTC(), properties.checkpointsUri(),
                device(properties.device()));
    }

    /** Runs train with the model's settings and, once a search of the model has a winner, the winner's parameters. */
    @Bean(destroyMethod = "close")
    TrainingRuns trainingRuns(TrainingProperties properties, ObjectStore store, TrainingBackend backend, TrainingListener listener,
                              ProductionModels production, TunedParameters tuned) throws IOException {
        return new TrainingRuns(new ObjectStoreRunJournal(store, properties.runsUri()), backend, listener, production,
                model -> TrainingModels.settingsFor(properties, model).withTuned(tuned.of(model)), properties.maxConcurrentRuns(),
                Clock.systemUTC());
    }

    /** The best parameters per model (filled by {@link TuningWinners} and by this replica's searches). */
    @Bean
    TunedParameters tunedParameters() {
        return new TunedParameters();
    }

    /** Derives the winners from the training topic on every replica. */
    @Bean
    TuningWinners tuningWinners(TunedParameters tuned, EventCodec codec, KafkaClients clients,
                                @Value("${sluice.training.topic}") String trainingTopic) {
        return new TuningWinners(tuned, codec, clients, trainingTopic);
    }

    /**
     * Hyperparameter searches: trials train with the local DJL trainer on {@code tuning.parallelism} threads (the available
     * processors by default), writing their scratch versions under the state prefix, never into the models bucket.
     */
    @Bean(destroyMethod = "close")
    HyperparameterSearches hyperparameterSearches(TrainingProperties properties, ObjectStore store, TuningListener listener,
                                                  TunedParameters tuned, TrainingBackend backend) throws IOException {
        TrainingBackend trials = new DjlTrainingBackend(store, new ModelPackage(store, properties.modelCacheDir()), properties.trialsUri(),
                Clock.systemUTC(), null, device(properties.device()));
        // with backend vertex-ai a search is one HyperparameterTuningJob (Vertex AI runs and stops the trials)
        io.sluice.training.domain.tuning.RemoteSearch remote = backend instanceof VertexAiTrainingBackend vertex
                ? new io.sluice.training.vertex.VertexAiSearch(vertex, properties.trialsUri(), properties.tuning().effectiveParallelism())
                : null;
        return new HyperparameterSearches(new ObjectStoreSearchJournal(store, properties.searchesUri()), trials, remote, listener,
                model -> TrainingModels.settingsFor(properties, model), properties.tuning()::spaceFor, tuned,
                properties.tuning().effectiveParallelism(), Clock.systemUTC());
    }

    /**
     * Which models this replica owns; it adopts their unfinished runs on every assignment (after a
     * restart, or when the previous owner left or died) and hands runs over before a revocation.
     */
    @Bean
    TrainingOwner trainingOwner(TrainingRuns runs, HyperparameterSearches searches) {
        return new TrainingOwner("trainingWork-in-0", runs, searches, java.time.Duration.ofSeconds(30));
    }

    /** One owner per training-requests partition (platform's {@link OwnedPartitions}, the binder's rebalance listener). */
    @Bean
    OwnedPartitions trainingOwnership(TrainingOwner owner) {
        return owner.ownership();
    }

    /** On shutdown, stops running runs (left unfinished in the journal) before the Kafka bindings stop. */
    @Bean
    SmartLifecycle stopRunsBeforeBindings(TrainingRuns runs, HyperparameterSearches searches) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                running = true;
            }

            @Override
            public void stop() {
                searches.close();
                runs.close();
                running = false;
            }

            @Override
            public boolean isRunning() {
                return running;
            }

            @Override
            public int getPhase() {
                return Integer.MAX_VALUE; // stopped first
            }
        };
    }

    /** The device local runs train on, resolved at start-up: a GPU asked for and absent stops the service, never a silent CPU. */
    static ai.djl.Device device(String setting) {
        try {
            return io.sluice.models.Devices.resolve(setting);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalStateException("sluice.training.device=" + setting + ": " + e.getMessage(), e);
        }
    }
}
