package io.sluice.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.imageio.ImageIO;

import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.sluice.evaluation.evaluate.DecisionStore;
import io.sluice.events.EpochMetrics;
import io.sluice.events.Events;
import io.sluice.events.GateResult;
import io.sluice.events.ModelApproved;
import io.sluice.events.ModelPromoted;
import io.sluice.events.ModelRejected;
import io.sluice.events.ReleasePhase;
import io.sluice.events.ReleaseStrategy;
import io.sluice.events.Route;
import io.sluice.events.RouteRole;
import io.sluice.events.TrainingCompleted;
import io.sluice.models.ModelCard;
import io.sluice.models.ModelPackage;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.security.Role;
import io.sluice.platform.security.RouteRoles;
import io.sluice.platform.testkit.RouteWalk;
import io.sluice.platform.testkit.SluiceKafka;

/**
 * The evaluation-service end to end on an embedded KRaft broker: real tiny models trained with DJL
 * and written through the shared models code, TrainingCompleted in, ModelApproved / ModelRejected
 * out, reports in the models bucket, the registry API answering from the replayed topics.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        // a challenger judged only against the champion: every other gate is lenient for "rival"
        "sluice.evaluation.models.rival.min-accuracy=0",
        "sluice.evaluation.models.rival.max-loss=100",
        "sluice.evaluation.models.rival.max-overfit-gap=1",
        "sluice.evaluation.models.rival.max-validation-swing=1"})
class EvaluationServiceIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path DATA_DIR = Path.of(System.getProperty("java.io.tmpdir"), "sluice-test-evaluation-" + System.nanoTime());
    private static final EpochMetrics STEADY = new EpochMetrics(3, 0.05, 0.99, 0.06, 0.985);
    private static final List<EpochMetrics> STEADY_HISTORY = List.of(new EpochMetrics(1, 0.2, 0.95, 0.2, 0.95),
            new EpochMetrics(2, 0.1, 0.98, 0.1, 0.98), STEADY);

    @RegisterExtension
    static SluiceKafka kafka = new SluiceKafka();

    static FileObjectStore store;
    static URI modelsBucket;
    static ModelPackage models;
    static TinyModels.Dataset data;

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        kafka.register(registry);
        registry.add("sluice.data-dir", DATA_DIR::toString);
        registry.add("sluice.security.keys", RouteWalk::keysProperty);
    }

    @BeforeAll
    static void dataset() throws Exception {
        store = new FileObjectStore(DATA_DIR.resolve("buckets"));
        modelsBucket = store.bucket("sluice-local-models");
        models = new ModelPackage(store, DATA_DIR.resolve("test-cache"));
        data = TinyModels.separable(store, store.bucket("sluice-local-raw-data"), store.bucket("sluice-local-training"), "points", 400);
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void approvesASeparableModelWithAReadableConfusionMatrixAndRecordsItsLineage() throws Exception {
        ModelPackage.Written model = TinyModels.train(store, models, modelsBucket, data, "separable", "v1", false, 60);
        TrainingCompleted completed = completed(model, STEADY, STEADY_HISTORY).setParentModelVersion("v0").build();

        kafka.publish(SluiceTopics.TRAINING, completed.getRunId(), completed);

        ModelApproved approved = (ModelApproved) decision("separable", "v1");
        assertThat(approved.getHeader().getCausationId()).isEqualTo(completed.getHeader().getEventId());
        assertThat(approved.getHeader().getCorrelationId()).isEqualTo(completed.getHeader().getCorrelationId());
        assertThat(approved.getStrategy()).isEqualTo(ReleaseStrategy.IMMEDIATE);
        assertThat(approved.getChampion()).isNull();
        assertThat(approved.getGates()).extracting(GateResult::getGate)
                .containsExactly("min-accuracy", "max-loss", "max-overfit-gap", "validation-stability");
        assertThat(approved.getGates()).allMatch(GateResult::getPassed);
        assertThat(approved.getMetrics().getAccuracy()).isGreaterThanOrEqualTo(0.95);
        assertThat(approved.getMetrics().getTestSamples()).isEqualTo(data.manifest().split(io.sluice.platform.datasets.Split.TEST).count());
        assertThat(approved.getMetrics().getClassNames()).containsExactly("left", "right");
        assertThat(approved.getConfusionMatrixUri()).isEqualTo(model.modelUri() + "confusion-matrix.png");
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(store.read(URI.create(approved.getConfusionMatrixUri()))));
        assertThat(png).isNotNull();
        assertThat(png.getWidth()).isGreaterThan(100);
        assertThat(new String(store.read(URI.create(approved.getMetricsUri())))).contains("\"accuracy\"", "\"confusionMatrix\"", "min-accuracy");

        String version = awaitHttp("/models/separable/versions/v1", "\"stage\":\"APPROVED\"");
        assertThat(version).contains("\"runId\":\"" + completed.getRunId() + "\"", "\"datasetVersion\":\"" + completed.getDatasetVersion() + "\"",
                "\"parentVersion\":\"v0\"", "\"approved\":true");
        assertThat(get("/models")).contains("\"name\":\"separable\"");
    }

    @Test
    void rejectsAWeakModelNamingEveryFailedGate() throws Exception {
        ModelPackage.Written model = TinyModels.train(store, models, modelsBucket, data, "weak", "v1", true, 60);
        List<EpochMetrics> shaky = List.of(new EpochMetrics(1, 0.6, 0.7, 0.7, 0.5), new EpochMetrics(2, 0.3, 0.9, 0.6, 0.8),
                new EpochMetrics(3, 0.1, 1.0, 0.7, 0.6));
        TrainingCompleted completed = completed(model, shaky.get(2), shaky).build();

        kafka.publish(SluiceTopics.TRAINING, completed.getRunId(), completed);

        ModelRejected rejected = (ModelRejected) decision("weak", "v1");
        assertThat(rejected.getReasons()).hasSize(4);
        assertThat(String.join("\n", rejected.getReasons())).contains("min-accuracy", "max-loss", "max-overfit-gap", "validation-stability");
        assertThat(rejected.getGates()).noneMatch(GateResult::getPassed);
        assertThat(rejected.getMetrics().getAccuracy()).isLessThan(0.95);
        assertThat(rejected.getConfusionMatrixUri()).isNotNull();
    }

    @Test
    void rejectsAChallengerWorseThanTheChampionOnTheSameTestSplit() throws Exception {
        ModelPackage.Written champion = TinyModels.train(store, models, modelsBucket, data, "rival", "v1", false, 60);
        ModelPackage.Written challenger = TinyModels.train(store, models, modelsBucket, data, "rival", "v2", true, 60);
        kafka.publish(SluiceTopics.DEPLOYMENT_STATE, "rival", Events.deploymentState().setModelName("rival").setRevision(3)
                .setPhase(ReleasePhase.PROMOTED).setRoutes(List.of(new Route("v1", RouteRole.STABLE, 100, champion.modelUri().toString())))
                .build());
        kafka.publish(SluiceTopics.DEPLOYMENTS, "rival", ModelPromoted.newBuilder().setHeader(Events.newHeader()).setModelName("rival")
                .setVersion("v1").setActor("system").setReason("canary healthy").build());
        awaitHttp("/models/rival/versions/champion", "\"version\":\"v1\"");
        TrainingCompleted completed = completed(challenger, STEADY, STEADY_HISTORY).setParentModelVersion("v1").build();

        kafka.publish(SluiceTopics.TRAINING, completed.getRunId(), completed);

        ModelRejected rejected = (ModelRejected) decision("rival", "v2");
        assertThat(rejected.getChampion().getChampionVersion()).isEqualTo("v1");
        assertThat(rejected.getChampion().getChampionAccuracy()).isGreaterThan(rejected.getChampion().getChallengerAccuracy());
        assertThat(rejected.getChampion().getChallengerNotWorse()).isFalse();
        assertThat(rejected.getChampion().getOnlyChampionCorrect()).isGreaterThan(rejected.getChampion().getOnlyChallengerCorrect());
        assertThat(rejected.getReasons()).hasSize(2);
        assertThat(rejected.getReasons().get(0)).startsWith("champion-margin:");
        assertThat(rejected.getReasons().get(1)).startsWith("champion-significance:");
        String v2 = awaitHttp("/models/rival/versions/v2", "\"stage\":\"REJECTED\"");
        assertThat(v2).contains("\"parentVersion\":\"v1\"", "\"championVersion\":\"v1\"");
        assertThat(get("/models/rival/versions")).contains("\"champion\":\"v1\"");
        // retention keeps the serving champion, and the rejected challenger only while it is the latest trained
        assertThat(get("/retention/protected-versions")).contains("\"current\":true",
                "\"rival\":{\"v1\":[\"serving: stable, weight 100\",\"champion\",\"lineage: ancestor of v2\"],\"v2\":[\"alias: latest\"]}");
    }

    @Test
    void rejectsAModelWhoseParametersFailTheChecksumNamingTheFile() throws Exception {
        ModelPackage.Written model = TinyModels.train(store, models, modelsBucket, data, "tampered", "v1", false, 5);
        Path parameters = Path.of(ObjectKeys.resolve(model.modelUri(), ModelPackage.PARAMETERS_FILE));
        byte[] bytes = Files.readAllBytes(parameters);
        bytes[bytes.length - 1] ^= 0x01;
        Files.write(parameters, bytes);
        TrainingCompleted completed = completed(model, STEADY, STEADY_HISTORY).build();

        kafka.publish(SluiceTopics.TRAINING, completed.getRunId(), completed);

        ModelRejected rejected = (ModelRejected) decision("tampered", "v1");
        assertThat(rejected.getReasons()).singleElement().asString().contains("parameters.params", "SHA-256");
        assertThat(rejected.getMetrics()).isNull();
    }

    @Test
    void rejectsAModelCardThatDoesNotFitItsParameters() throws Exception {
        ModelPackage.Written model = TinyModels.train(store, models, modelsBucket, data, "misfit", "v1", false, 5);
        ModelCard card = model.card();
        ModelCard misfit = new ModelCard(card.formatVersion(), card.modelName(), card.version(),
                new ModelCard.Architecture(ModelCard.Architecture.MLP, List.of(), List.of(8, 8), 0.0), card.classNames(), card.input(),
                card.normalisation(), card.training(), card.history(), card.bestEpoch(), card.dataset(), card.parentVersion(), card.runId(),
                card.createdAt(), card.files(), card.trainingData());
        store.put(model.cardUri(), misfit.toJson());
        TrainingCompleted completed = completed(model, STEADY, STEADY_HISTORY).build();

        kafka.publish(SluiceTopics.TRAINING, completed.getRunId(), completed);

        ModelRejected rejected = (ModelRejected) decision("misfit", "v1");
        assertThat(rejected.getReasons()).singleElement().asString().contains("misfit/v1 cannot be evaluated", "do not fit the architecture");
        assertThat(rejected.getMetrics()).isNull();
    }

    @Test
    void rejectsAMissingModelAndDecidesARedeliveryOnlyOnce() throws Exception {
        URI missing = ModelPackage.modelUri(modelsBucket, "ghost", "v1");
        TrainingCompleted ghost = Events.trainingCompleted().setRunId("run-ghost").setModelName("ghost").setModelVersion("v1")
                .setModelUri(missing.toString()).setModelCardUri(missing + "model-card.json").setManifestUri(data.manifestUri().toString())
                .build();
        kafka.publish(SluiceTopics.TRAINING, "run-ghost", ghost);
        ModelRejected rejected = (ModelRejected) decision("ghost", "v1");
        assertThat(rejected.getReasons()).singleElement().asString().contains("no model card");

        kafka.publish(SluiceTopics.TRAINING, "run-ghost", ghost);
        TrainingCompleted sentinel = Events.trainingCompleted().setRunId("run-ghost").setModelName("ghost-sentinel").setModelVersion("v1")
                .setModelUri(ModelPackage.modelUri(modelsBucket, "ghost-sentinel", "v1").toString())
                .setManifestUri(data.manifestUri().toString()).build();
        kafka.publish(SluiceTopics.TRAINING, "run-ghost", sentinel);
        decision("ghost-sentinel", "v1");

        // same key, one partition, one worker: the redelivery was handled before the sentinel was decided
        assertThat(decisions("ghost", "v1")).hasSize(1);
    }

    @Test
    void publishesAStoredButUnpublishedDecisionInsteadOfEvaluatingAgain() throws Exception {
        DecisionStore decisions = new DecisionStore(store, modelsBucket);
        ModelApproved remembered = Events.modelApproved().setModelName("remembered").setModelVersion("v1").build();
        decisions.save("remembered", "v1", kafka.codec().encode(remembered), false);
        URI nowhere = ModelPackage.modelUri(modelsBucket, "remembered", "v1");
        TrainingCompleted redelivered = Events.trainingCompleted().setRunId("run-remembered").setModelName("remembered")
                .setModelVersion("v1").setModelUri(nowhere.toString()).setManifestUri(data.manifestUri().toString()).build();

        kafka.publish(SluiceTopics.TRAINING, "run-remembered", redelivered);

        SpecificRecord published = decision("remembered", "v1");
        assertThat(published).isEqualTo(remembered);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!decisions.find("remembered", "v1").orElseThrow().published() && System.nanoTime() < deadline) {
            sleep(100);
        }
        assertThat(decisions.find("remembered", "v1").orElseThrow().published()).isTrue();
    }

    @Test
    void deadLettersAnUndecodableTrainingRecordAndIgnoresOtherTrainingEvents() {
        kafka.publish(SluiceTopics.TRAINING, "run-x", Events.trainingStarted().build());
        kafka.publishRaw(SluiceTopics.TRAINING, "run-x", "not avro".getBytes());

        var dead = kafka.awaitRecords(SluiceTopics.TRAINING + ".dlt", r -> "run-x".equals(r.key()), 1, WAIT).get(0);

        assertThat(SluiceKafka.header(dead, "sluice-dlt-reason")).contains("EventDecodingException");
    }

    @Test
    void reportsLivenessAndReadiness() throws Exception {
        assertThat(get("/actuator/health/liveness")).contains("\"status\":\"UP\"");
        assertThat(awaitHttp("/actuator/health/readiness", "\"status\":\"UP\"")).contains("\"registry\"");
    }

    @Test
    void exposesPrometheusMetricsTaggedWithTheService() throws Exception {
        assertThat(get("/actuator/prometheus")).contains("jvm_memory_used_bytes").contains("application=\"evaluation-service\"");
    }

    @Test
    void answersNotFoundForAnUnknownModel() throws Exception {
        assertThat(send("/models/nobody/versions").statusCode()).isEqualTo(404);
        assertThat(send("/models/nobody/versions/champion").statusCode()).isEqualTo(404);
    }

    private static TrainingCompleted.Builder completed(ModelPackage.Written model, EpochMetrics best, List<EpochMetrics> history) {
        String name = model.card().modelName();
        String version = model.card().version();
        return Events.trainingCompleted().setRunId("run-" + name + "-" + version).setModelName(name).setModelVersion(version)
                .setDatasetName(data.manifest().name()).setDatasetVersion(data.manifest().version())
                .setManifestUri(data.manifestUri().toString()).setModelUri(model.modelUri().toString())
                .setModelCardUri(model.cardUri().toString()).setArtifactUris(model.artifactUris().stream().map(URI::toString).toList())
                .setArchitecture("mlp").setBestEpoch(best.getEpoch()).setBestMetrics(best).setHistory(history);
    }

    private static SpecificRecord decision(String model, String version) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            List<SpecificRecord> found = decisions(model, version);
            if (!found.isEmpty()) {
                return found.get(0);
            }
            sleep(200);
        }
        throw new AssertionError("no decision on " + model + "/" + version + " within " + WAIT);
    }

    private static List<SpecificRecord> decisions(String model, String version) {
        return kafka.events(SluiceTopics.EVALUATIONS).stream().filter(e -> e instanceof ModelApproved a
                ? a.getModelName().equals(model) && a.getModelVersion().equals(version)
                : e instanceof ModelRejected r && r.getModelName().equals(model) && r.getModelVersion().equals(version)).toList();
    }

    @Test
    void pinsAnAliasBlocksAVersionAndRejectsTheBlockedVersionWithTheBlocksReason() throws Exception {
        kafka.publish(SluiceTopics.EVALUATIONS, "guarded", Events.modelApproved().setModelName("guarded").setModelVersion("v1").build());
        awaitHttp("/models/guarded/versions/v1", "\"stage\":\"APPROVED\"");

        HttpResponse<String> pinned = post("/models/guarded/aliases/champion", Role.WRITER, "{\"version\":\"v1\",\"reason\":\"known good\"}");
        assertThat(pinned.statusCode()).as(pinned.body()).isEqualTo(200);
        assertThat(pinned.body()).contains("champion → v1", "\"champion\":\"v1\"");
        assertThat(get("/models/guarded/aliases/champion")).contains("\"version\":\"v1\"", "\"pinned\":true", "\"actor\":\"writer:",
                "\"reason\":\"known good\"");
        assertThat(post("/models/guarded/aliases/champion", Role.VIEWER, "{\"version\":\"v1\"}").statusCode()).isEqualTo(403);
        assertThat(post("/models/guarded/aliases/champion", Role.WRITER, "{\"version\":\"v7\"}").statusCode()).isEqualTo(404);
        assertThat(post("/models/guarded/aliases/Bad Alias", Role.WRITER, "{\"version\":\"v1\"}").statusCode()).isEqualTo(400);

        // blocked ahead of its evaluation: its TrainingCompleted is rejected with the block's reason, never approved
        HttpResponse<String> blocked = post("/models/guarded/versions/v2/block", Role.WRITER, "{\"reason\":\"trained on leaked labels\"}");
        assertThat(blocked.statusCode()).as(blocked.body()).isEqualTo(200);
        HttpResponse<String> toBlocked = post("/models/guarded/aliases/next", Role.WRITER, "{\"version\":\"v2\"}");
        assertThat(toBlocked.statusCode()).isEqualTo(409);
        assertThat(toBlocked.body()).contains("v2 is blocked: trained on leaked labels");
        TrainingCompleted v2 = Events.trainingCompleted().setRunId("run-guarded-v2").setModelName("guarded").setModelVersion("v2").build();
        kafka.publish(SluiceTopics.TRAINING, v2.getRunId(), v2);
        ModelRejected rejected = (ModelRejected) decision("guarded", "v2");
        assertThat(rejected.getReasons()).singleElement().asString().startsWith("blocked by writer:").endsWith(": trained on leaked labels");
        assertThat(awaitHttp("/models/guarded/versions/v2", "\"stage\":\"REJECTED\"")).contains("\"blocked\":{\"actor\":\"writer:");
        assertThat(get("/models/guarded/audit")).contains("\"action\":\"SET_ALIAS\"", "\"action\":\"BLOCK\"", "\"applied\":true");
        // the owner wrote the model's state to the compacted registry topic
        kafka.await(SluiceTopics.REGISTRY, io.sluice.events.RegistryState.class, r -> r.getModelName().equals("guarded")
                && r.getVersions().stream().anyMatch(v -> v.getBlocked() != null), WAIT);
    }

    private HttpResponse<String> post(String path, Role role, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path.replace(" ", "%20")))
                .header("Authorization", "Bearer " + RouteWalk.KEYS.get(role)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String awaitHttp(String path, String expected) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = send(path);
            last = response.statusCode() + " " + response.body();
            if (response.statusCode() == 200 && response.body().contains(expected)) {
                return response.body();
            }
            sleep(200);
        }
        throw new AssertionError(path + " never contained " + expected + "; last answer: " + last);
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = send(path);
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }

    private HttpResponse<String> send(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + RouteWalk.KEYS.get(Role.VIEWER)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void refusesEveryRouteWithoutACredentialOrWithTooLittleRole(@Autowired ApplicationContext context,
                                                                @Autowired RouteRoles routes) {
        RouteWalk.assertEveryMappingDeclared(context, routes);
        RouteWalk.assertReadmeTable("evaluation", routes);
        assertThat(new RouteWalk("http://localhost:" + port).walk(routes)).isEqualTo(3 * routes.routes().size());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
