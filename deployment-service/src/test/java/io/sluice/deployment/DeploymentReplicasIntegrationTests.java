package io.sluice.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.sluice.events.CanaryHealthy;
import io.sluice.events.CanaryStarted;
import io.sluice.events.DeploymentState;
import io.sluice.events.Events;
import io.sluice.events.ModelApproved;
import io.sluice.events.ModelPromoted;
import io.sluice.events.ReleaseHeld;
import io.sluice.events.ReleasePhase;
import io.sluice.events.ReleaseStrategy;
import io.sluice.events.TrafficShifted;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.kafka.Partitions;
import io.sluice.platform.messaging.OwnedPartitions;
import io.sluice.platform.testkit.SluiceKafka;

/**
 * Two deployment replicas on a 3-broker embedded KRaft cluster, 3 partitions per topic on every broker. The first replica
 * (its own JVM) owns every model until the second joins; an operator command given to the second for a model the first owns
 * is executed by the first; then the first is killed with SIGKILL right after a round of verdicts was published. The second
 * takes its partitions over, rebuilds those releases from Kafka and walks every release to production; every decision
 * happens exactly once and every routing-table revision is written once.
 */
class DeploymentReplicasIntegrationTests {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final int PARTITIONS = 3;
    static final List<String> MODELS = IntStream.range(0, 6).mapToObj(i -> "replicated-" + i).toList();

    @RegisterExtension
    static SluiceKafka kafka = SluiceKafka.cluster(PARTITIONS); // 3 brokers, 3 partitions, 3 replicas

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theSurvivingReplicaFinishesTheReleasesOfAKilledOwnerAndEveryDecisionHappensOnce() throws Exception {
        Path dataDir = Files.createTempDirectory("sluice-test-deployment-replicas");
        Process first = startProcess(dataDir);
        ConfigurableApplicationContext second = null;
        try {
            for (String model : MODELS) {
                approve(model, "v1");
                approve(model, "v2");
            }
            for (String model : MODELS) {
                awaitState(model, s -> s.getPhase() == ReleasePhase.CANARY && s.getStepIndex() == 0);
            }

            second = new SpringApplicationBuilder(DeploymentServiceApplication.class).run(arguments(dataDir).toArray(String[]::new));
            OwnedPartitions ownership = second.getBean("releaseOwnership", OwnedPartitions.class);
            await().atMost(WAIT).until(() -> !ownership.owned().isEmpty() && ownership.owned().size() < PARTITIONS);
            String elsewhere = MODELS.stream().filter(m -> !ownership.owns(Partitions.of(m, PARTITIONS))).findFirst().orElseThrow();
            int port = Integer.parseInt(second.getEnvironment().getProperty("local.server.port"));

            HttpResponse<String> paused = post(port, elsewhere, "pause", "checked on the other replica");
            assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
            assertThat(paused.body()).contains("\"events\":[\"Held\"]", "\"phase\":\"PAUSED\"");
            assertThat(post(port, elsewhere, "pause", "again").statusCode()).isEqualTo(409);
            assertThat(post(port, elsewhere, "resume", "go on").statusCode()).isEqualTo(200);
            assertThat(get(port, "/deployments").body()).as("every release is readable on any replica")
                    .contains(MODELS.stream().map(m -> "\"modelName\":\"" + m + "\"").toArray(String[]::new));

            for (String model : MODELS) {
                kafka.publish(SluiceTopics.MONITORING, model, healthy(model, 0));
            }
            first.destroyForcibly(); // SIGKILL mid-work: no shutdown, no leaving the group; its session times out
            first.waitFor(30, TimeUnit.SECONDS);

            for (int step = 1; step <= 3; step++) {
                for (String model : MODELS) {
                    int index = step;
                    awaitState(model, s -> s.getStepIndex() == index);
                    kafka.publish(SluiceTopics.MONITORING, model, healthy(model, step));
                }
            }
            for (String model : MODELS) {
                awaitState(model, s -> s.getPhase() == ReleasePhase.PROMOTED && s.getRoutes().get(0).getVersion().equals("v2"));
            }
            assertThat(ownership.owned()).hasSize(PARTITIONS);

            List<SpecificRecord> history = kafka.events(SluiceTopics.DEPLOYMENTS);
            List<SpecificRecord> tables = kafka.events(SluiceTopics.DEPLOYMENT_STATE);
            for (String model : MODELS) {
                assertThat(history).filteredOn(e -> e instanceof CanaryStarted c && c.getModelName().equals(model)
                        && c.getVersion().equals("v2")).as("canary of %s", model).hasSize(1);
                assertThat(history).filteredOn(e -> e instanceof TrafficShifted t && t.getModelName().equals(model))
                        .extracting(e -> ((TrafficShifted) e).getStepIndex()).as("steps of %s", model).containsExactly(1, 2, 3);
                assertThat(history).filteredOn(e -> e instanceof ModelPromoted p && p.getModelName().equals(model)
                        && p.getVersion().equals("v2")).as("promotion of %s", model).hasSize(1);
                List<Long> revisions = tables.stream().filter(e -> e instanceof DeploymentState s && s.getModelName().equals(model))
                        .map(e -> ((DeploymentState) e).getRevision()).toList();
                assertThat(revisions).as("routing-table revisions of %s", model).doesNotHaveDuplicates().isSorted();
                assertThat(revisions.get(revisions.size() - 1)).isEqualTo((long) revisions.size());
            }
            assertThat(history).filteredOn(e -> e instanceof ReleaseHeld h && h.getModelName().equals(elsewhere))
                    .extracting(e -> ((ReleaseHeld) e).getActor()).as("executed once each, by the owner, as the caller")
                    .containsExactly("admin:admin", "admin:admin");
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.close();
            }
        }
    }

    private static void approve(String model, String version) {
        ModelApproved approved = Events.modelApproved().setModelName(model).setModelVersion(version)
                .setModelUri("file:/tmp/sluice/models/" + model + "/" + version + "/").setStrategy(ReleaseStrategy.CANARY).build();
        kafka.publish(SluiceTopics.EVALUATIONS, model, approved);
    }

    private static CanaryHealthy healthy(String model, int step) {
        return Events.canaryHealthy().setModelName(model).setCanaryVersion("v2").setStepIndex(step).build();
    }

    private static DeploymentState awaitState(String model, java.util.function.Predicate<DeploymentState> match) {
        return kafka.await(SluiceTopics.DEPLOYMENT_STATE, DeploymentState.class, s -> s.getModelName().equals(model) && match.test(s), WAIT);
    }

    /** The first replica in a JVM of its own (this test's class path), so it can be killed with SIGKILL. */
    private static Process startProcess(Path dataDir) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:TieredStopAtLevel=1", "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.sluice.events",
                "-cp", System.getProperty("java.class.path"), DeploymentServiceApplication.class.getName()));
        command.addAll(arguments(dataDir));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dataDir.resolve("first-replica.log").toFile()).start();
    }

    private static List<String> arguments(Path dataDir) {
        List<String> arguments = new ArrayList<>(kafka.arguments());
        arguments.addAll(List.of("--server.port=0", "--sluice.data-dir=" + dataDir, "--sluice.security.admin-token=admin-secret",
                "--sluice.deployment.min-samples=1",
                // a killed replica's partitions move after 6 s instead of 45 s
                "--spring.cloud.stream.kafka.binder.consumer-properties.session.timeout.ms=6000",
                "--spring.cloud.stream.kafka.binder.consumer-properties.heartbeat.interval.ms=1000"));
        return arguments;
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("Authorization", "Bearer admin-secret")
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(int port, String model, String action, String reason) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/deployments/" + model + "/" + action))
                .header("Content-Type", "application/json").header("Authorization", "Bearer admin-secret")
                .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"" + reason + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
    }
}
