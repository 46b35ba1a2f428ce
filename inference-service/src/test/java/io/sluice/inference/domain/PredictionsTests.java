package io.sluice.inference.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PredictionsTests {

    private final Map<String, FakeModel> loaded = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    private final List<Served> telemetry = new CopyOnWriteArrayList<>();
    private final ModelLoader loader = (model, route) -> {
        CountDownLatch gate = gates.get(route.version());
        if (gate != null) {
            gate.await(5, TimeUnit.SECONDS);
        }
        if (route.modelUri().contains("tampered")) {
            throw new java.io.IOException("parameters.params: SHA-256 mismatch");
        }
        FakeModel fake = new FakeModel(0);
        loaded.put(route.version(), fake);
        return fake;
    };
    private static final int MAX_BATCH = 4;
    private final ModelHost host = new ModelHost(loader, Executors.newFixedThreadPool(2),
            new BatchSettings(MAX_BATCH, Duration.ofMillis(1), 64, Duration.ofSeconds(1)), Clock.systemUTC());
    private final RoutingTable table = new RoutingTable();
    private final Predictions predictions = new Predictions(table, host, telemetry::add, Duration.ofSeconds(5));

    {
        table.onChange(host::sync);
    }

    @AfterEach
    void close() {
        host.close();
    }

    @Test
    void answersFromTheWeightedVersionAndMirrorsToTheShadow() throws Exception {
        table.apply(new ModelRoutes("m", 1, List.of(new Route("v1", Role.STABLE, 100, "file:/v1/"),
                new Route("v2", Role.SHADOW, 0, "file:/v2/"))));
        awaitReady("m");
        await(() -> host.served("m", "v2").isPresent());

        Answer answer = predictions.predict(new InferenceRequest("r1", "m", null, null, FakeModel.tensor(0.9f, 0f, 0.1f, 0f)));

        assertThat(answer.version()).isEqualTo("v1");
        assertThat(answer.scores()).extracting(Scores::label).containsExactly("high", "low");
        await(() -> telemetry.size() >= 4);
        assertThat(telemetry).extracting(Served::requestId, Served::version, Served::role, Served::outcome)
                .contains(org.assertj.core.groups.Tuple.tuple("r1", "v1", Role.STABLE, Outcome.OK),
                        org.assertj.core.groups.Tuple.tuple("r1#1", "v1", Role.STABLE, Outcome.OK),
                        org.assertj.core.groups.Tuple.tuple("r1", "v2", Role.SHADOW, Outcome.OK));
        assertThat(telemetry.get(0).inputStats()).containsKey("mean");
    }

    @Test
    void sendsAStillLoadingCanarysShareToTheReadyStableVersion() throws Exception {
        table.apply(new ModelRoutes("m", 1, List.of(new Route("v1", Role.STABLE, 100, "file:/v1/"))));
        awaitReady("m");
        gates.put("v2", new CountDownLatch(1)); // v2 stays loading until released
        table.apply(new ModelRoutes("m", 2, List.of(new Route("v1", Role.STABLE, 1, "file:/v1/"),
                new Route("v2", Role.CANARY, 99, "file:/v2/"))));

        for (int i = 0; i < 20; i++) {
            assertThat(predictions.predict(new InferenceRequest("r" + i, "m", null, null, FakeModel.tensor(0.9f, 0f, 0.1f, 0f))).version())
                    .isEqualTo("v1");
        }
        assertThat(telemetry).extracting(Served::outcome).doesNotContain(Outcome.REJECTED);

        gates.get("v2").countDown();
        await(() -> host.served("m", "v2").isPresent());
        assertThat(predictions.predict(new InferenceRequest("after", "m", null, null, FakeModel.tensor(0.9f, 0f, 0.1f, 0f))).version())
                .isIn("v1", "v2");
    }

    @Test
    void preloadsAVersionBeforeItHasWeightAndUnloadsVersionsThatLeave() throws Exception {
        table.apply(new ModelRoutes("m", 1, List.of(new Route("v1", Role.STABLE, 100, "file:/v1/"),
                new Route("v2", Role.CANARY, 0, "file:/v2/"))));
        await(() -> host.served("m", "v2").isPresent());
        assertThat(loaded.get("v2").batchSizes).as("warm-up: 3 passes of one input, 3 of a full batch")
                .containsExactly(1, 1, 1, MAX_BATCH, MAX_BATCH, MAX_BATCH);

        table.apply(new ModelRoutes("m", 2, List.of(new Route("v2", Role.STABLE, 100, "file:/v2/"))));

        await(() -> loaded.get("v1").closed);
        assertThat(host.versions("m")).extracting(HostedVersion::version).containsExactly("v2");
        assertThat(host.version("m", "v2").orElseThrow().route().role()).isEqualTo(Role.STABLE);
        assertThat(loaded.get("v2").closed).isFalse();
    }

    @Test
    void isNotReadyWhileAWeightedVersionLoadsOrAfterItFailed() throws Exception {
        gates.put("v1", new CountDownLatch(1));
        ModelRoutes routes = new ModelRoutes("m", 1, List.of(new Route("v1", Role.STABLE, 90, "file:/v1/"),
                new Route("v2", Role.CANARY, 10, "file:/tampered/v2/")));
        table.apply(routes);
        assertThat(host.notReady(routes)).hasValueSatisfying(reason -> assertThat(reason).contains("loading"));
        assertThatThrownBy(() -> predictions.predict(new InferenceRequest("r", "m", "v1", null, FakeModel.tensor(1, 1))))
                .isInstanceOf(UnavailableException.class);
        gates.get("v1").countDown();
        await(() -> host.version("m", "v2").map(v -> v.state() == HostedVersion.State.FAILED).orElse(false)
                && host.served("m", "v1").isPresent());
        assertThat(host.notReady(routes)).hasValueSatisfying(reason -> assertThat(reason).contains("SHA-256 mismatch"));
        assertThat(host.notReady(List.of(routes))).hasSize(1);
    }

    @Test
    void rejectsUnknownModelsAndMalformedInputAndRecordsTheOutcome() throws Exception {
        table.apply(new ModelRoutes("m", 1, List.of(new Route("v1", Role.STABLE, 100, "file:/v1/"))));
        awaitReady("m");
        assertThatThrownBy(() -> predictions.predict(new InferenceRequest("r", "x", null, null, FakeModel.tensor(1, 1))))
                .isInstanceOf(UnknownModelException.class);
        assertThatThrownBy(() -> predictions.predict(new InferenceRequest("r", "m", "v7", null, FakeModel.tensor(1, 1))))
                .isInstanceOf(UnknownModelException.class);
        assertThatThrownBy(() -> predictions.predict(new InferenceRequest("bad", "m", null, null, new Payload.Image(new byte[1]))))
                .isInstanceOf(InvalidInputException.class);
        assertThat(telemetry).extracting(Served::requestId, Served::outcome)
                .contains(org.assertj.core.groups.Tuple.tuple("bad", Outcome.CLIENT_ERROR));
        assertThat(predictions.predict(new InferenceRequest("ok", "m", null, null, FakeModel.tensor(1, 1))).version()).isEqualTo("v1");
    }

    private void awaitReady(String model) throws InterruptedException {
        await(() -> host.notReady(table.get(model).orElseThrow()).isEmpty());
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
