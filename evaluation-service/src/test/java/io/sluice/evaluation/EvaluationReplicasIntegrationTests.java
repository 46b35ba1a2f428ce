package io.sluice.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.sluice.evaluation.domain.ModelRegistry;
import io.sluice.evaluation.registry.RegistryProjection;
import io.sluice.events.EpochMetrics;
import io.sluice.events.Events;
import io.sluice.events.ModelApproved;
import io.sluice.events.ModelRejected;
import io.sluice.events.TrainingCompleted;
import io.sluice.models.ModelPackage;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.kafka.Partitions;
import io.sluice.platform.messaging.OwnedPartitions;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.testkit.SluiceKafka;

/**
 * Two evaluation replicas on a 3-broker embedded KRaft cluster, 3 partitions per topic on every broker. Trained versions land in both replicas'
 * training partitions; the first replica (its own JVM) is killed with SIGKILL as soon as it published its first decision,
 * while the rest of its versions are queued with their offsets committed. The second replica takes its partitions over,
 * resumes exactly those versions, and every version is decided exactly once; the registry on the survivor knows them all.
 */
class EvaluationReplicasIntegrationTests {

    static final Duration WAIT = Duration.ofSeconds(180);
    static final int PARTITIONS = 3;
    static final EpochMetrics STEADY = new EpochMetrics(3, 0.05, 0.99, 0.06, 0.985);
    static final List<EpochMetrics> STEADY_HISTORY = List.of(new EpochMetrics(1, 0.2, 0.95, 0.2, 0.95),
            new EpochMetrics(2, 0.1, 0.98, 0.1, 0.98), STEADY);

    @RegisterExtension
    static SluiceKafka kafka = SluiceKafka.cluster(PARTITIONS); // 3 brokers, 3 partitions, 3 replicas

    @Test
    void theSurvivingReplicaResumesTheVersionsOfAKilledOwnerAndEveryVersionIsDecidedOnce() throws Exception {
        Path dataDir = Files.createTempDirectory("sluice-test-evaluation-replicas");
        FileObjectStore store = new FileObjectStore(dataDir.resolve("buckets"));
        URI modelsBucket = store.bucket("sluice-local-models");
        ModelPackage models = new ModelPackage(store, dataDir.resolve("test-cache"));
        TinyModels.Dataset data = TinyModels.separable(store, store.bucket("sluice-local-raw-data"), store.bucket("sluice-local-training"),
                "points", 400);

        Process first = startProcess(dataDir);
        ConfigurableApplicationContext second = null;
        try {
            second = new SpringApplicationBuilder(EvaluationServiceApplication.class).run(arguments(dataDir).toArray(String[]::new));
            OwnedPartitions ownership = second.getBean("evaluationOwnership", OwnedPartitions.class);
            await().atMost(WAIT).until(() -> !ownership.owned().isEmpty() && ownership.owned().size() < PARTITIONS);

            // four versions in the first replica's training partitions, two in the second's
            List<String> firsts = new ArrayList<>();
            List<String> seconds = new ArrayList<>();
            for (int i = 0; firsts.size() < 4 || seconds.size() < 2; i++) {
                String model = "replica-" + i;
                boolean mine = ownership.owns(Partitions.of(runId(model), PARTITIONS));
                if (mine && seconds.size() < 2) {
                    seconds.add(model);
                } else if (!mine && firsts.size() < 4) {
                    firsts.add(model);
                }
            }
            List<String> all = new ArrayList<>(firsts);
            all.addAll(seconds);
            List<TrainingCompleted> trained = new ArrayList<>();
            for (String model : all) {
                ModelPackage.Written written = TinyModels.train(store, models, modelsBucket, data, model, "v1", false, 60);
                trained.add(completed(data, written));
            }
            trained.forEach(e -> kafka.publish(SluiceTopics.TRAINING, e.getRunId(), e));

            kafka.await(SluiceTopics.EVALUATIONS, SpecificRecord.class, e -> firsts.contains(modelOf(e)), WAIT);
            first.destroyForcibly(); // SIGKILL: the rest of its versions were accepted and their offsets committed
            first.waitFor(30, TimeUnit.SECONDS);

            List<SpecificRecord> decisions = kafka.awaitEvents(SluiceTopics.EVALUATIONS, SpecificRecord.class,
                    e -> all.contains(modelOf(e)), all.size(), WAIT);
            await().atMost(WAIT).until(() -> ownership.owned().size() == PARTITIONS);
            RegistryProjection registry = second.getBean(RegistryProjection.class);
            ModelRegistry projection = second.getBean(ModelRegistry.class);
            await().atMost(WAIT).until(() -> all.stream().allMatch(m -> registry.decided(m, "v1")));
            assertThat(projection.modelNames()).containsAll(all);
            assertThat(registry.status().current()).isTrue();

            List<String> decided = kafka.events(SluiceTopics.EVALUATIONS).stream().map(EvaluationReplicasIntegrationTests::modelOf)
                    .filter(all::contains).toList();
            assertThat(decided).as("one decision per version").hasSameSizeAs(all).containsExactlyInAnyOrderElementsOf(all);
            assertThat(decisions).allMatch(ModelApproved.class::isInstance);
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.close();
            }
        }
    }

    private static String runId(String model) {
        return "run-" + model + "-v1";
    }

    private static String modelOf(SpecificRecord decision) {
        if (decision instanceof ModelApproved a) {
            return a.getModelName();
        }
        return decision instanceof ModelRejected r ? r.getModelName() : null;
    }

    private static TrainingCompleted completed(TinyModels.Dataset data, ModelPackage.Written model) {
        String name = model.card().modelName();
        return Events.trainingCompleted().setRunId(runId(name)).setModelName(name).setModelVersion("v1")
                .setDatasetName(data.manifest().name()).setDatasetVersion(data.manifest().version())
                .setManifestUri(data.manifestUri().toString()).setModelUri(model.modelUri().toString())
                .setModelCardUri(model.cardUri().toString()).setArtifactUris(model.artifactUris().stream().map(URI::toString).toList())
                .setArchitecture("mlp").setBestEpoch(STEADY.getEpoch()).setBestMetrics(STEADY).setHistory(STEADY_HISTORY).build();
    }

    /** The first replica in a JVM of its own (this test's class path), so it can be killed with SIGKILL. */
    private static Process startProcess(Path dataDir) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:TieredStopAtLevel=1", "-Dai.djl.offline=true", "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.sluice.events",
                "-cp", System.getProperty("java.class.path"), EvaluationServiceApplication.class.getName()));
        command.addAll(arguments(dataDir));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dataDir.resolve("first-replica.log").toFile()).start();
    }

    private static List<String> arguments(Path dataDir) {
        List<String> arguments = new ArrayList<>(kafka.arguments());
        arguments.addAll(List.of("--server.port=0", "--sluice.data-dir=" + dataDir,
                "--spring.cloud.stream.kafka.binder.consumer-properties.session.timeout.ms=6000",
                "--spring.cloud.stream.kafka.binder.consumer-properties.heartbeat.interval.ms=1000"));
        return arguments;
    }
}
