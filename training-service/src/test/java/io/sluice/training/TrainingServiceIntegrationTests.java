package io.sluice.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import ai.djl.Device;
import io.sluice.events.DatasetLayout;
import io.sluice.events.DatasetReady;
import io.sluice.events.Events;
import io.sluice.events.RetrainingRequested;
import io.sluice.events.Route;
import io.sluice.events.RouteRole;
import io.sluice.events.TrainingCompleted;
import io.sluice.events.TrainingProgressed;
import io.sluice.events.TrainingStarted;
import io.sluice.events.TrainingTrigger;
import io.sluice.events.TrialOutcome;
import io.sluice.events.TuningCompleted;
import io.sluice.events.TuningRequested;
import io.sluice.events.TuningTrialFinished;
import io.sluice.platform.security.Role;
import io.sluice.models.LoadedModel;
import io.sluice.models.ModelPackage;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.storage.ObjectStore;
import io.sluice.training.domain.ProductionModels;
import io.sluice.platform.security.RouteRoles;
import io.sluice.platform.testkit.RouteWalk;
import io.sluice.platform.testkit.SluiceKafka;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Boots the training-service against an embedded KRaft broker: datasets in, training events and loadable models out. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "sluice.training.defaults.max-epochs=4", "sluice.training.defaults.learning-rate=0.01",
        "sluice.training.defaults.batch-size=16", "sluice.training.defaults.filters=8,16", "sluice.training.defaults.hidden=32",
        // searches: 8 tiny trials of 3 epochs, a rung at epoch 1; learning rates from hopeless to too large, so trials differ
        "sluice.training.tuning.trials=8", "sluice.training.tuning.max-epochs=3", "sluice.training.tuning.min-learning-rate=0.00001",
        "sluice.training.tuning.max-learning-rate=1", "sluice.training.tuning.batch-sizes=8,16", "sluice.training.tuning.parallelism=2"})
class TrainingServiceIntegrationTests {

    static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static SluiceKafka kafka = new SluiceKafka();

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) throws Exception {
        kafka.register(registry);
        Path dataDir = Files.createTempDirectory("sluice-test-training");
        registry.add("sluice.data-dir", dataDir::toString);
        registry.add("sluice.security.keys", RouteWalk::keysProperty);
    }

    @LocalServerPort
    int port;

    @Autowired
    ObjectStore store;

    @Autowired
    ProductionModels production;

    @Value("${sluice.buckets.raw-data}")
    URI rawBucket;

    @Value("${sluice.buckets.training}")
    URI trainingBucket;

    @Value("${sluice.training.model-cache-dir}")
    Path cacheDir;

    private static final tools.jackson.databind.ObjectMapper JSON = tools.jackson.databind.json.JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void trainsADatasetOnceHoweverOftenItIsAnnouncedAndPublishesALoadableModel() throws Exception {
        SyntheticDatasets.Written data = SyntheticDatasets.images(store, rawBucket, trainingBucket, "shapes", 30, 8, false, 5);
        DatasetReady ready = datasetReady(data, DatasetLayout.IMAGE_FOLDER);
        DatasetReady announcedAgain = DatasetReady.newBuilder(ready).setHeader(Events.newHeader()).build();

        kafka.publish(SluiceTopics.DATASETS, "shapes", ready);
        kafka.publish(SluiceTopics.DATASETS, "shapes", ready);
        kafka.publish(SluiceTopics.DATASETS, "shapes", announcedAgain);
        // a marker after the announcements: the one training worker takes runs in order, so a second run of "shapes"
        // would start before the marker's
        SyntheticDatasets.Written marker = SyntheticDatasets.csv(store, rawBucket, trainingBucket, "after-shapes", 40, 3);
        kafka.publish(SluiceTopics.DATASETS, "after-shapes", datasetReady(marker, DatasetLayout.CSV));
        TrainingCompleted completed = kafka.await(SluiceTopics.TRAINING, TrainingCompleted.class,
                e -> e.getDatasetVersion().equals(data.manifest().version()), WAIT);

        String runId = "shapes-" + data.manifest().version().substring(0, 12) + "-1";
        assertThat(completed.getRunId()).isEqualTo(runId);
        assertThat(completed.getHeader().getCorrelationId()).isEqualTo(ready.getHeader().getCorrelationId());
        assertThat(completed.getHeader().getCausationId()).isEqualTo(ready.getHeader().getEventId());
        assertThat(completed.getManifestUri()).isEqualTo(data.manifestUri().toString());
        assertThat(completed.getHistory()).hasSizeBetween(1, 4);
        assertThat(completed.getBestMetrics()).isEqualTo(completed.getHistory().get(completed.getBestEpoch() - 1));
        assertThat(completed.getArtifactUris()).contains(completed.getModelCardUri());
        assertThat(completed.getBackend()).isEqualTo("local");
        List<TrainingProgressed> progress = kafka.awaitEvents(SluiceTopics.TRAINING, TrainingProgressed.class,
                e -> e.getRunId().equals(runId), completed.getHistory().size(), WAIT);
        assertThat(progress).extracting(e -> e.getMetrics().getEpoch()).containsExactly(
                completed.getHistory().stream().map(m -> m.getEpoch()).toArray(Integer[]::new));
        ConsumerRecord<String, byte[]> record = kafka.awaitRecords(SluiceTopics.TRAINING,
                r -> r.key().equals(runId), 1, WAIT).get(0);
        assertThat(record.key()).isEqualTo(runId);
        try (LoadedModel model = new ModelPackage(store, cacheDir.resolve("test")).load(URI.create(completed.getModelUri()), Device.cpu())) {
            assertThat(model.card().classNames()).isEqualTo(data.manifest().classNames());
            assertThat(model.card().runId()).isEqualTo(runId);
        }
        kafka.await(SluiceTopics.TRAINING, TrainingStarted.class, e -> e.getDatasetVersion().equals(marker.manifest().version()), WAIT);
        assertThat(startedFor(data.manifest().version())).hasSize(1);
    }

    @Test
    void warmStartsARetrainingFromTheProductionVersionOfTheRoutingTable() throws Exception {
        SyntheticDatasets.Written data = SyntheticDatasets.csv(store, rawBucket, trainingBucket, "points", 40, 9);
        kafka.publish(SluiceTopics.DATASETS, "points", datasetReady(data, DatasetLayout.CSV));
        TrainingCompleted first = kafka.await(SluiceTopics.TRAINING, TrainingCompleted.class,
                e -> e.getDatasetVersion().equals(data.manifest().version()), WAIT);
        assertThat(first.getArchitecture()).isEqualTo("mlp");
        kafka.publish(SluiceTopics.DEPLOYMENT_STATE, "points", Events.deploymentState().setModelName("points").setRevision(3)
                .setRoutes(List.of(new Route(first.getModelVersion(), RouteRole.STABLE, 100, first.getModelUri()))).build());
        await("the routing table arrives").atMost(WAIT).until(() -> production.stable("points")
                .filter(model -> model.version().equals(first.getModelVersion())).isPresent());

        RetrainingRequested retrain = Events.retrainingRequested().setModelName("points").setDatasetName("points")
                .setDatasetVersion(null).setCurrentVersion(first.getModelVersion()).setTrigger(TrainingTrigger.DRIFT).build();
        kafka.publish(SluiceTopics.TRAINING, "points", retrain);
        TrainingCompleted second = kafka.await(SluiceTopics.TRAINING, TrainingCompleted.class,
                e -> e.getModelName().equals("points") && e.getRunId().endsWith("-2"), WAIT);

        assertThat(second.getParentModelVersion()).isEqualTo(first.getModelVersion());
        assertThat(second.getModelVersion()).isNotEqualTo(first.getModelVersion());
        assertThat(second.getHeader().getCausationId()).isEqualTo(retrain.getHeader().getEventId());
        TrainingStarted started = kafka.await(SluiceTopics.TRAINING, TrainingStarted.class, e -> e.getRunId().equals(second.getRunId()), WAIT);
        assertThat(started.getTrigger()).isEqualTo(TrainingTrigger.DRIFT);
        assertThat(started.getParentModelVersion()).isEqualTo(first.getModelVersion());
    }

    @Test
    void searchesHyperparametersOnRequestStopsPoorTrialsAndTheNextRunUsesTheWinner() throws Exception {
        SyntheticDatasets.Written data = SyntheticDatasets.csv(store, rawBucket, trainingBucket, "tuned", 40, 21);

        HttpResponse<String> accepted = post("/tuning/tuned", Role.WRITER, "{\"reason\":\"find a better learning rate\"}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String searchId = JSON.readTree(accepted.body()).get("searches").get(0).get("searchId").asString();
        TuningCompleted completed = kafka.await(SluiceTopics.TRAINING, TuningCompleted.class, e -> e.getSearchId().equals(searchId), WAIT);

        TuningRequested requested = kafka.await(SluiceTopics.TRAINING, TuningRequested.class, e -> e.getModelName().equals("tuned"), WAIT);
        assertThat(requested.getActor()).isEqualTo("writer:test-writer");
        assertThat(requested.getDatasetVersion()).isEqualTo(data.manifest().version());
        List<TuningTrialFinished> trials = kafka.awaitEvents(SluiceTopics.TRAINING, TuningTrialFinished.class,
                e -> e.getSearchId().equals(searchId), 8, WAIT);
        assertThat(trials).extracting(TuningTrialFinished::getTrialId).doesNotHaveDuplicates();
        assertThat(trials).filteredOn(t -> t.getOutcome() == TrialOutcome.STOPPED_EARLY).isNotEmpty().allMatch(t -> t.getEpochs() == 1);
        assertThat(completed.getTrials()).isEqualTo(8);
        assertThat(completed.getStoppedEarly()).isPositive();
        TuningTrialFinished best = trials.stream().filter(t -> t.getTrialId().equals(completed.getBestTrialId())).findFirst().orElseThrow();
        assertThat(completed.getBestValidationAccuracy()).isEqualTo(trials.stream().mapToDouble(TuningTrialFinished::getValidationAccuracy).max()
                .orElseThrow());
        assertThat(completed.getBestParameters()).containsEntry("learningRate", best.getParameters().get("learningRate"))
                .containsEntry("batchSize", best.getParameters().get("batchSize"));
        assertThat(completed.getHeader().getCausationId()).isEqualTo(requested.getHeader().getEventId());

        // the next dataset version trains with the winner's parameters, not the defaults (learning rate 0.01, batch 16)
        SyntheticDatasets.Written next = SyntheticDatasets.csv(store, rawBucket, trainingBucket, "tuned", 40, 22);
        kafka.publish(SluiceTopics.DATASETS, "tuned", datasetReady(next, DatasetLayout.CSV));
        TrainingStarted started = kafka.await(SluiceTopics.TRAINING, TrainingStarted.class,
                e -> e.getDatasetVersion().equals(next.manifest().version()), WAIT);
        assertThat(started.getHyperParameters()).containsEntry("learningRate", completed.getBestParameters().get("learningRate"))
                .containsEntry("batchSize", completed.getBestParameters().get("batchSize"));

        assertThat(post("/tuning/no-such-dataset", Role.WRITER, "{}").statusCode()).isEqualTo(404);
    }

    @Test
    void deadLettersADatasetWhoseNameCannotBeAModelName() {
        DatasetReady bad = Events.datasetReady().setDatasetName("../etc").build();

        kafka.publish(SluiceTopics.DATASETS, "x", bad);
        ConsumerRecord<String, byte[]> dead = kafka.awaitRecords(SluiceTopics.DATASETS + ".dlt", r -> "x".equals(r.key()), 1, WAIT).get(0);

        assertThat(SluiceKafka.header(dead, "sluice-dlt-reason")).contains("dataset name '../etc' is not a safe name");
    }

    @Test
    void reportsLivenessAndReadiness() throws Exception {
        assertThat(get("/actuator/health/liveness")).contains("\"status\":\"UP\"");
        assertThat(get("/actuator/health/readiness")).contains("\"status\":\"UP\"");
    }

    @Test
    void exposesPrometheusMetricsTaggedWithTheService() throws Exception {
        assertThat(get("/actuator/prometheus")).contains("jvm_memory_used_bytes").contains("application=\"training-service\"");
    }

    @Test
    void opensOnlyThePlatformsRoutesAndRefusesEveryOtherWithAProblemDetail(@Autowired ApplicationContext context,
                                                                            @Autowired RouteRoles routes) {
        RouteWalk.assertReadmeTable("training", routes);
        RouteWalk.assertEveryMappingDeclared(context, routes);
        RouteWalk walk = new RouteWalk("http://localhost:" + port);
        assertThat(walk.walk(routes)).isPositive(); // POST /tuning/{dataset}: 401 without a key, 403 for a viewer
        walk.assertUndeclaredRefused("/actuator", "/actuator/env", "/actuator/loggers", "/actuator/heapdump", "/training", "/runs/x",
                "/tuning");
    }

    private List<SpecificRecord> startedFor(String datasetVersion) {
        return kafka.events(SluiceTopics.TRAINING).stream()
                .filter(e -> e instanceof TrainingStarted s && s.getDatasetVersion().equals(datasetVersion)).toList();
    }

    static DatasetReady datasetReady(SyntheticDatasets.Written data, DatasetLayout layout) {
        return Events.datasetReady().setDatasetName(data.manifest().name()).setDatasetVersion(data.manifest().version())
                .setLayout(layout).setRawUri(data.manifest().rawUri()).setManifestUri(data.manifestUri().toString())
                .setClassNames(data.manifest().classNames()).setInputShape(data.manifest().inputShape())
                .setHeader(Events.header().setCorrelationId(data.manifest().name() + "@" + data.manifest().version()).build())
                .build();
    }

    private HttpResponse<String> post(String path, Role role, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + RouteWalk.KEYS.get(role)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }
}
