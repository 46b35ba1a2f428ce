package io.sluice.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import io.sluice.deployment.messaging.RegistryBlocks;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.sluice.events.CanaryDegraded;
import io.sluice.events.CanaryHealthy;
import io.sluice.events.CanaryInconclusive;
import io.sluice.events.CanaryStarted;
import io.sluice.events.DeploymentState;
import io.sluice.events.Events;
import io.sluice.events.ModelApproved;
import io.sluice.events.ModelPromoted;
import io.sluice.events.OperatorAction;
import io.sluice.events.OperatorCommandIssued;
import io.sluice.events.RegistryMark;
import io.sluice.events.RegistryVersion;
import io.sluice.events.ReleaseHeld;
import io.sluice.events.ReleasePhase;
import io.sluice.events.ReleaseStrategy;
import io.sluice.events.RolledBack;
import io.sluice.events.Route;
import io.sluice.events.RouteRole;
import io.sluice.events.TrafficShifted;
import io.sluice.deployment.domain.Release;
import io.sluice.deployment.domain.ReleasePolicy;
import io.sluice.deployment.domain.Releases;
import io.sluice.deployment.messaging.PreviousRun;
import io.sluice.deployment.messaging.Restarted;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.security.ApiKeys;
import io.sluice.platform.security.Role;
import io.sluice.platform.security.RouteRoles;
import io.sluice.platform.testkit.CommandFuzz;
import io.sluice.platform.testkit.RouteWalk;
import io.sluice.platform.testkit.SluiceKafka;

/** Boots the deployment-service against an embedded KRaft broker and drives releases with scripted verdicts and operators. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "sluice.security.admin-token=admin-secret",
        "sluice.deployment.min-samples=100"})
class DeploymentServiceIntegrationTests {

    static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static SluiceKafka kafka = new SluiceKafka();

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        kafka.register(registry);
        registry.add("sluice.security.keys", () -> String.join(",", RouteWalk.keysProperty(),
                ApiKeys.entryFor("ops-viewer", Role.VIEWER, "viewer-secret"), ApiKeys.entryFor("ops-writer", Role.WRITER, "writer-secret")));
        registry.add("sluice.data-dir", () -> System.getProperty("java.io.tmpdir") + "/sluice-test-deployment");
    }

    /** The healthy step-0 verdict an earlier instance already acted on before it stopped. */
    static String verdictSeenBeforeTheRestart;

    /** An earlier instance walked model "resumed" to step 2 and stopped before writing that step's routing-table entry. */
    @BeforeAll
    static void previousInstance() {
        PreviousRun previous = new PreviousRun(kafka);
        previous.approved("resumed", "v1", uri("v1"));
        previous.approved("resumed", "v2", uri("v2"));
        verdictSeenBeforeTheRestart = previous.healthy("resumed", "v2", 0);
        previous.stopBeforeTables();
        previous.healthy("resumed", "v2", 1);
    }

    @LocalServerPort
    int port;

    @Autowired
    Releases live;

    @Autowired
    ReleasePolicy policy;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void reportsLivenessAndReadinessWithoutAToken() throws Exception {
        assertThat(get("/actuator/health/liveness", null).body()).contains("\"status\":\"UP\"");
        assertThat(get("/actuator/health/readiness", null).body()).contains("\"status\":\"UP\"");
    }

    @Test
    void exposesPrometheusMetricsTaggedWithTheService() throws Exception {
        serving("metered", "v1");
        assertThat(get("/actuator/prometheus", null).body()).contains("jvm_memory_used_bytes").contains("application=\"deployment-service\"")
                .containsPattern("sluice_deployment_events_total\\{.*type=\"ModelPromoted\"");
    }

    @Test
    void resumesAReleaseAnEarlierInstanceLeftMidway() throws Exception {
        String model = "resumed";
        DeploymentState republished = awaitState(model, s -> s.getRevision() == 5);
        assertThat(republished.getStepIndex()).isEqualTo(2);
        assertThat(republished.getRoutes()).extracting(Route::getVersion, Route::getWeight)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("v1", 50), org.assertj.core.groups.Tuple.tuple("v2", 50));
        assertThat(get("/deployments/" + model, "viewer-secret").body()).contains("\"phase\":\"CANARY\"", "\"stepIndex\":2");

        CanaryHealthy duplicate = healthy(model, "v2", 0);
        duplicate.getHeader().setEventId(verdictSeenBeforeTheRestart);
        kafka.publish(SluiceTopics.MONITORING, model, duplicate);
        kafka.publish(SluiceTopics.MONITORING, model, healthy(model, "v2", 2));

        DeploymentState next = awaitState(model, s -> s.getRevision() == 6);
        assertThat(next.getStepIndex()).isEqualTo(3);
        assertThat(next.getRoutes()).extracting(Route::getWeight).containsExactly(0, 100);
        List<Integer> shifts = kafka.events(SluiceTopics.DEPLOYMENTS).stream().filter(TrafficShifted.class::isInstance)
                .map(TrafficShifted.class::cast).filter(e -> e.getModelName().equals(model)).map(TrafficShifted::getStepIndex).toList();
        assertThat(shifts).containsExactly(1, 2, 3);
    }

    @Test
    void rebuildsExactlyTheLiveStateFromWhatTheServiceWroteToKafka() throws Exception {
        String model = "rebuilt";
        serving(model, "v1");
        approve(model, "v2");
        awaitState(model, s -> s.getPhase() == ReleasePhase.CANARY);
        kafka.publish(SluiceTopics.MONITORING, model, healthy(model, "v2", 0));
        awaitState(model, s -> s.getStepIndex() == 1);
        kafka.publish(SluiceTopics.MONITORING, model,
                Events.canaryInconclusive().setModelName(model).setCanaryVersion("v2").setStepIndex(1).build());
        awaitState(model, s -> s.getReason().startsWith("inconclusive"));
        assertThat(post(model, "pause", "writer-secret", "hold on").statusCode()).isEqualTo(200);
        awaitState(model, s -> s.getPhase() == ReleasePhase.PAUSED);

        Release rebuilt = Restarted.from(kafka, policy).find(model).orElseThrow();

        Release running = live.find(model).orElseThrow();
        assertThat(rebuilt.withLastVerdict(null)).isEqualTo(running.withLastVerdict(null));
        assertThat(rebuilt.candidate().paused()).isTrue();
        assertThat(rebuilt.candidate().holdReason()).startsWith("inconclusive");
        assertThat(rebuilt.revision()).isEqualTo(awaitState(model, s -> s.getPhase() == ReleasePhase.PAUSED).getRevision());
    }

    @Test
    void walksAReleaseThroughEveryStepToModelPromotedOnScriptedVerdicts() throws Exception {
        String model = "walk";
        serving(model, "v1");
        approve(model, "v2");
        kafka.await(SluiceTopics.DEPLOYMENTS, CanaryStarted.class, e -> e.getModelName().equals(model) && e.getVersion().equals("v2"), WAIT);

        int[] weights = {25, 50, 100};
        for (int step = 0; step < 3; step++) {
            kafka.publish(SluiceTopics.MONITORING, model, healthy(model, "v2", step));
            int index = step + 1;
            TrafficShifted shifted = kafka.await(SluiceTopics.DEPLOYMENTS, TrafficShifted.class,
                    e -> e.getModelName().equals(model) && e.getStepIndex() == index, WAIT);
            assertThat(shifted.getToWeight()).isEqualTo(weights[step]);
        }
        kafka.publish(SluiceTopics.MONITORING, model, healthy(model, "v2", 3));

        ModelPromoted promoted = kafka.await(SluiceTopics.DEPLOYMENTS, ModelPromoted.class,
                e -> e.getModelName().equals(model) && e.getVersion().equals("v2"), WAIT);
        assertThat(promoted.getPreviousVersion()).isEqualTo("v1");
        assertThat(promoted.getActor()).isEqualTo("system");
        DeploymentState state = awaitState(model, s -> s.getPhase() == ReleasePhase.PROMOTED && s.getRoutes().size() == 1
                && s.getRoutes().get(0).getVersion().equals("v2"));
        assertThat(state.getRoutes().get(0)).isEqualTo(new Route("v2", RouteRole.STABLE, 100, uri("v2")));
        List<Long> revisions = kafka.events(SluiceTopics.DEPLOYMENT_STATE).stream().filter(DeploymentState.class::isInstance)
                .map(DeploymentState.class::cast).filter(s -> s.getModelName().equals(model)).map(DeploymentState::getRevision).toList();
        assertThat(revisions).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(get("/deployments/" + model, "viewer-secret").body()).contains("\"phase\":\"PROMOTED\"", "\"stableVersion\":\"v2\"");
    }

    @Test
    void rollsBackADegradedCanaryAtEveryStepWithinOneSecondVisibleInTheRoutingTable() {
        for (int failing = 0; failing < 4; failing++) {
            String model = "degraded-" + failing;
            serving(model, "v1");
            approve(model, "v2");
            awaitState(model, s -> s.getPhase() == ReleasePhase.CANARY); // monitoring judges a canary only once it runs
            for (int step = 0; step < failing; step++) {
                kafka.publish(SluiceTopics.MONITORING, model, healthy(model, "v2", step));
                int index = step + 1;
                awaitState(model, s -> s.getStepIndex() == index);
            }
            CanaryDegraded degraded = Events.canaryDegraded().setModelName(model).setCanaryVersion("v2").setStepIndex(failing).build();
            kafka.publish(SluiceTopics.MONITORING, model, degraded);

            ConsumerRecord<String, byte[]> verdictRecord = awaitRecord(SluiceTopics.MONITORING, degraded.getHeader().getEventId());
            RolledBack rolledBack = kafka.await(SluiceTopics.DEPLOYMENTS, RolledBack.class,
                    e -> e.getModelName().equals(model), WAIT);
            ConsumerRecord<String, byte[]> table = kafka.awaitRecords(SluiceTopics.DEPLOYMENT_STATE, r -> {
                DeploymentState s = kafka.codec().decode(r.value()) instanceof DeploymentState d ? d : null;
                return s != null && s.getModelName().equals(model) && s.getPhase() == ReleasePhase.ROLLED_BACK;
            }, 1, WAIT).get(0);
            DeploymentState state = (DeploymentState) kafka.codec().decode(table.value());
            long latencyMillis = table.timestamp() - verdictRecord.timestamp();
            System.out.printf("rollback latency at step %d: %d ms (verdict record → routing-table record)%n", failing, latencyMillis);

            assertThat(latencyMillis).as("verdict to routing table").isLessThan(1000);
            assertThat(table.key()).isEqualTo(model);
            assertThat(rolledBack.getVersion()).isEqualTo("v2");
            assertThat(rolledBack.getRestoredVersion()).isEqualTo("v1");
            assertThat(rolledBack.getVerdictEventId()).isEqualTo(degraded.getHeader().getEventId());
            assertThat(rolledBack.getEvidence()).isEqualTo(degraded.getChecks());
            assertThat(state.getRoutes()).containsExactly(new Route("v1", RouteRole.STABLE, 100, uri("v1")));
        }
    }

    @Test
    void advancesOneStepOnlyOnADuplicatedVerdictAndIgnoresOutOfDateOnes() {
        String model = "dupes";
        serving(model, "v1");
        approve(model, "v2");
        awaitState(model, s -> s.getPhase() == ReleasePhase.CANARY);
        CanaryHealthy healthy = healthy(model, "v2", 0);

        kafka.publish(SluiceTopics.MONITORING, model, healthy);
        kafka.publish(SluiceTopics.MONITORING, model, healthy);
        kafka.publish(SluiceTopics.MONITORING, model, healthy(model, "v2", 0)); // step 0 again: out of date
        kafka.publish(SluiceTopics.MONITORING, model, healthy(model, "v9", 1)); // another version
        CanaryInconclusive barrier = Events.canaryInconclusive().setModelName(model).setCanaryVersion("v2").setStepIndex(1).build();
        kafka.publish(SluiceTopics.MONITORING, model, barrier);

        kafka.await(SluiceTopics.DEPLOYMENTS, ReleaseHeld.class, e -> e.getModelName().equals(model), WAIT);
        List<TrafficShifted> shifts = kafka.events(SluiceTopics.DEPLOYMENTS).stream().filter(TrafficShifted.class::isInstance)
                .map(TrafficShifted.class::cast).filter(e -> e.getModelName().equals(model)).toList();
        assertThat(shifts).extracting(TrafficShifted::getStepIndex).containsExactly(1);
        assertThat(shifts.get(0).getVerdictEventId()).isEqualTo(healthy.getHeader().getEventId());
        awaitState(model, s -> s.getStepIndex() == 1 && s.getReason().startsWith("inconclusive"));
    }

    @Test
    void auditsAnOperatorsPauseAndRollbackAndChecksTheirRoles() throws Exception {
        String model = "ops";
        serving(model, "v1");
        approve(model, "v2");
        awaitState(model, s -> s.getPhase() == ReleasePhase.CANARY);

        assertThat(post(model, "pause", null, "freeze").statusCode()).isEqualTo(401);
        assertThat(post(model, "pause", "not-a-token", "freeze").statusCode()).isEqualTo(401);
        assertThat(post(model, "pause", "viewer-secret", "freeze").statusCode()).isEqualTo(403);
        HttpResponse<String> paused = post(model, "pause", "writer-secret", "freeze for the demo");
        assertThat(paused.statusCode()).isEqualTo(200);
        assertThat(paused.body()).contains("\"phase\":\"PAUSED\"");
        ReleaseHeld held = kafka.await(SluiceTopics.DEPLOYMENTS, ReleaseHeld.class, e -> e.getModelName().equals(model), WAIT);
        assertThat(held.getHeld()).isTrue();
        assertThat(held.getActor()).isEqualTo("writer:ops-writer");
        assertThat(held.getReason()).isEqualTo("freeze for the demo");
        awaitState(model, s -> s.getPhase() == ReleasePhase.PAUSED);
        assertThat(post(model, "pause", "writer-secret", "again").statusCode()).isEqualTo(409);

        assertThat(post(model, "rollback", "writer-secret", "bad").statusCode()).isEqualTo(403);
        HttpResponse<String> rolledBack = post(model, "rollback", "admin-secret", "users complain");
        assertThat(rolledBack.statusCode()).isEqualTo(200);
        RolledBack event = kafka.await(SluiceTopics.DEPLOYMENTS, RolledBack.class, e -> e.getModelName().equals(model), WAIT);
        assertThat(event.getActor()).isEqualTo("admin:admin").doesNotContain("admin-secret");
        assertThat(event.getReason()).isEqualTo("users complain");
        // the command went through sluice.deployment-commands: the event's causation is the command id the call answered with
        String commandId = rolledBack.body().replaceAll(".*\"commandId\":\"([^\"]+)\".*", "$1");
        assertThat(event.getHeader().getCausationId()).isEqualTo(commandId);
        OperatorCommandIssued command = kafka.await(SluiceTopics.DEPLOYMENT_COMMANDS, OperatorCommandIssued.class,
                c -> c.getHeader().getEventId().equals(commandId), WAIT);
        assertThat(command.getAction()).isEqualTo(OperatorAction.ROLLBACK);
        assertThat(command.getRole()).isEqualTo("admin");
        assertThat(command.getActor()).isEqualTo(event.getActor());
        assertThat(command.getReason()).isEqualTo("users complain");
        DeploymentState state = awaitState(model, s -> s.getPhase() == ReleasePhase.ROLLED_BACK);
        assertThat(state.getRoutes()).extracting(Route::getVersion).containsExactly("v1");
        assertThat(post(model, "promote", "admin-secret", "nothing to promote").statusCode()).isEqualTo(409);
        assertThat(post("no-such-model", "promote", "admin-secret", "x").statusCode()).isEqualTo(404);
    }

    @Test
    void listsEveryDeploymentForViewersOnly() throws Exception {
        serving("listed", "v1");
        awaitState("listed", s -> s.getPhase() == ReleasePhase.PROMOTED);

        assertThat(get("/deployments", null).statusCode()).isEqualTo(401);
        HttpResponse<String> list = get("/deployments", "viewer-secret");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("\"deployments\":[", "\"modelName\":\"listed\"", "\"weight\":100", "\"since\":");
        HttpResponse<String> unknown = get("/deployments/unknown", "viewer-secret");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("\"status\":404", "\"detail\":\"no deployment for model unknown\"");
    }

    @Test
    void refusesEveryRouteWithoutACredentialOrWithTooLittleRole(@Autowired ApplicationContext context,
                                                                @Autowired RouteRoles routes) {
        RouteWalk.assertEveryMappingDeclared(context, routes);
        RouteWalk.assertReadmeTable("deployment", routes);
        assertThat(new RouteWalk("http://localhost:" + port).walk(routes)).isEqualTo(3 * routes.routes().size());
    }

    @Test
    void answersAThousandFuzzedOperatorCommandsWithProblemDetailsNeverA5xx() {
        var statuses = new CommandFuzz("http://localhost:" + port).send("/deployments",
                CommandFuzz.requests(1000, List.of(), List.of("promote", "rollback", "pause", "resume")), "Bearer admin-secret");

        assertThat(statuses.keySet()).as(CommandFuzz.summary(statuses)).allSatisfy(status -> assertThat(status).isBetween(400, 499));
        assertThat(statuses).containsKeys(400, 404);
    }

    @Test
    void refusesToReleaseAVersionBlockedInTheModelRegistryWithAReleaseHeldSayingWhy(@Autowired RegistryBlocks blocks) throws Exception {
        kafka.publish(SluiceTopics.REGISTRY, "guarded", Events.registryState().setModelName("guarded").setVersions(List.of(
                RegistryVersion.newBuilder().setVersion("v2").setStage("APPROVED").setBlocked(new RegistryMark("writer:ops-1",
                        java.time.Instant.parse("2026-01-01T00:00:00Z"), "leaked labels", "c-1")).build())).build());
        serving("guarded", "v1");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (blocks.blocked("guarded", "v2").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20); // polls the registry view, which follows the topic on its own thread
        }

        approve("guarded", "v2");

        ReleaseHeld refused = kafka.await(SluiceTopics.DEPLOYMENTS, ReleaseHeld.class, e -> e.getModelName().equals("guarded"), WAIT);
        assertThat(refused.getVersion()).isEqualTo("v2");
        assertThat(refused.getReason()).isEqualTo("not released: v2 is blocked in the model registry by writer:ops-1: leaked labels");
        assertThat(get("/deployments/guarded", "admin-secret").body()).contains("\"stableVersion\":\"v1\"", "\"canaryVersion\":null");
    }

    static void serving(String model, String version) {
        approve(model, version);
        awaitState(model, s -> s.getRoutes().stream().anyMatch(r -> r.getVersion().equals(version) && r.getWeight() == 100));
    }

    static void approve(String model, String version) {
        ModelApproved approved = Events.modelApproved().setModelName(model).setModelVersion(version).setModelUri(uri(version))
                .setStrategy(ReleaseStrategy.CANARY).build();
        kafka.publish(SluiceTopics.EVALUATIONS, model, approved);
    }

    static CanaryHealthy healthy(String model, String version, int step) {
        return Events.canaryHealthy().setModelName(model).setCanaryVersion(version).setStepIndex(step).build();
    }

    static DeploymentState awaitState(String model, Predicate<DeploymentState> match) {
        return kafka.await(SluiceTopics.DEPLOYMENT_STATE, DeploymentState.class, s -> s.getModelName().equals(model) && match.test(s), WAIT);
    }

    static ConsumerRecord<String, byte[]> awaitRecord(String topic, String eventId) {
        return kafka.awaitRecords(topic, r -> {
            try {
                return ((org.apache.avro.generic.GenericRecord) kafka.codec().decode(r.value())).get("header") instanceof io.sluice.events.EventHeader h
                        && h.getEventId().equals(eventId);
            } catch (RuntimeException undecodable) {
                return false;
            }
        }, 1, WAIT).get(0);
    }

    static String uri(String version) {
        return "file:/tmp/sluice/models/" + version + "/";
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String model, String action, String token, String reason) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/deployments/" + model + "/" + action))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"" + reason + "\"}"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
