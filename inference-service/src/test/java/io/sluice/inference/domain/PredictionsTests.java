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
    private final Predictions predictions = new Predictions(table, host, telemetry::add, Duration.ofSeconds(5),
            new InputGuard(InputGuard.Mode.REFUSE, 1.0));

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

        await(() -> loaded.containsKey("v1") && loaded.get("v1").closed);
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

    @Test
    void recordsTheRoutingRevisionTheInputSizeAndWhetherTheShadowAgreed() throws Exception {
        table.apply(new ModelRoutes("m", 7, List.of(new Route("v1", Role.STABLE, 100, "file:/v1/"),
                new Route("v2", Role.SHADOW, 0, "file:/v2/"))));
        awaitReady("m");
        await(() -> host.served("m", "v2").isPresent());

        predictions.predict(new InferenceRequest("r1", "m", null, null, FakeModel.tensor(0.9f, 0f)));

        await(() -> telemetry.size() >= 2);
        Served stable = telemetry.stream().filter(s -> s.role() == Role.STABLE).findFirst().orElseThrow();
        Served shadow = telemetry.stream().filter(s -> s.role() == Role.SHADOW).findFirst().orElseThrow();
        assertThat(stable.routingRevision()).isEqualTo(7);
        assertThat(stable.inputSize()).isEqualTo(2);
        assertThat(stable.inputFlag()).isNull();
        assertThat(stable.agreesWithStable()).as("answering versions carry no agreement").isNull();
        assertThat(shadow.routingRevision()).isEqualTo(7);
        assertThat(shadow.agreesWithStable()).as("the same fake model answers 'high' on both").isTrue();
    }

    @Test
    void refusesInputsFarOutsideTheTrainedRangeBeforeTheModelSeesThem() throws Exception {
        table.apply(new ModelRoutes("m", 1, List.of(new Route("v1", Role.STABLE, 100, "file:/v1/"))));
        awaitReady("m");
        int batchesBefore = loaded.get("v1").batchSizes.size();

        assertThatThrownBy(() -> predictions.predict(new InferenceRequest("far", "m", null, null, FakeModel.tensor(1e20f, 0f))))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.kind()).isEqualTo("out-of-range"));
        // trained on [-10, 10], tolerance one range-width: [-30, 30] is accepted
        assertThat(predictions.predict(new InferenceRequest("near", "m", null, null, FakeModel.tensor(29f, -29f))).version()).isEqualTo("v1");

        assertThat(loaded.get("v1").batchSizes).hasSize(batchesBefore + 1);
        Served far = telemetry.stream().filter(s -> s.requestId().equals("far")).findFirst().orElseThrow();
        assertThat(far.outcome()).isEqualTo(Outcome.CLIENT_ERROR);
        assertThat(far.errorType()).isEqualTo("out-of-range");
        assertThat(far.inputStats()).isEmpty();
    }

    @Test
    void servesAndFlagsInputsOutsideTheTrainedRangeWhenConfiguredToWithoutInputStatistics() throws Exception {
        Predictions flagging = new Predictions(table, host, telemetry::add, Duration.ofSeconds(5), new InputGuard(InputGuard.Mode.FLAG, 1.0));
        table.apply(new ModelRoutes("m", 1, List.of(new Route("v1", Role.STABLE, 100, "file:/v1/"))));
        awaitReady("m");

        assertThat(flagging.predict(new InferenceRequest("far", "m", null, null, FakeModel.tensor(1e20f, 0f))).version()).isEqualTo("v1");
        flagging.predict(new InferenceRequest("normal", "m", null, null, FakeModel.tensor(1f, 0f)));

        Served far = telemetry.stream().filter(s -> s.requestId().equals("far")).findFirst().orElseThrow();
        assertThat(far.outcome()).isEqualTo(Outcome.OK);
        assertThat(far.inputFlag()).isEqualTo("out-of-range");
        assertThat(far.inputStats()).as("kept out of drift statistics").isEmpty();
        Served normal = telemetry.stream().filter(s -> s.requestId().equals("normal")).findFirst().orElseThrow();
        assertThat(normal.inputFlag()).isNull();
        assertThat(normal.inputStats()).containsKey("mean");
    }

    @Test
    void blamesTheModelForNonFiniteAnswersToInRangeInputsAndTheCallerForFlaggedOnes() throws Exception {
        Predictions flagging = new Predictions(table, host, telemetry::add, Duration.ofSeconds(5), new InputGuard(InputGuard.Mode.FLAG, 1.0));
        table.apply(new ModelRoutes("m", 1, List.of(new Route("v1", Role.STABLE, 100, "file:/v1/"))));
        awaitReady("m");

        // 25 is inside [-30, 30] (trained on [-10, 10], one range-width of tolerance): NaN is the model's failure
        assertThatThrownBy(() -> predictions.predict(new InferenceRequest("inside", "m", null, null, FakeModel.tensor(0f, 25f))))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> flagging.predict(new InferenceRequest("flagged", "m", null, null, FakeModel.tensor(0f, 1e20f))))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.kind()).isEqualTo("non-finite"));

        assertThat(telemetry).extracting(Served::requestId, Served::outcome, Served::errorType).containsExactly(
                org.assertj.core.groups.Tuple.tuple("inside", Outcome.SERVER_ERROR, "non-finite-output"),
                org.assertj.core.groups.Tuple.tuple("flagged", Outcome.CLIENT_ERROR, "non-finite"));
    }

    @Test
    void shedsARequestBeforeItsBodyIsReadWhenItHasAlreadyWaitedPastTheBound() throws Exception {
        try (ModelHost shedding = new ModelHost(loader, Executors.newFixedThreadPool(2),
                new BatchSettings(MAX_BATCH, Duration.ofMillis(1), 64, Duration.ofMillis(200), Duration.ofSeconds(1)), Clock.systemUTC())) {
            RoutingTable routing = new RoutingTable();
            routing.onChange(shedding::sync);
            Predictions admitting = new Predictions(routing, shedding, telemetry::add, Duration.ofSeconds(5),
                    new InputGuard(InputGuard.Mode.REFUSE, 1.0));
            routing.apply(new ModelRoutes("m", 4, List.of(new Route("v1", Role.STABLE, 100, "file:/v1/"))));
            await(() -> shedding.served("m", "v1").isPresent());

            admitting.admit(() -> "fresh", "m", null, System.nanoTime()); // nothing ahead of it: admitted
            long secondAgo = System.nanoTime() - TimeUnit.SECONDS.toNanos(1);
            assertThatThrownBy(() -> admitting.admit(() -> "late", "m", null, secondAgo))
                    .isInstanceOfSatisfying(UnavailableException.class, e -> assertThat(e.reason()).isEqualTo(UnavailableException.Reason.SHED));
            assertThatThrownBy(() -> admitting.predict(new InferenceRequest("late-body", "m", null, null, FakeModel.tensor(1f, 0f),
                    secondAgo))).isInstanceOf(UnavailableException.class);

            assertThat(telemetry).extracting(Served::requestId, Served::outcome, Served::errorType, Served::routingRevision).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("late", Outcome.REJECTED, "shed", 4L),
                    org.assertj.core.groups.Tuple.tuple("late-body", Outcome.REJECTED, "shed", 4L));
        }
    }

    @Test
    void refusesARequestThatCanNeverFitTheQueueAsTheCallersFault() throws Exception {
        table.apply(new ModelRoutes("m", 1, List.of(new Route("v1", Role.STABLE, 100, "file:/v1/"))));
        awaitReady("m");
        float[] rows = new float[2 * 65]; // the queue takes 64

        assertThatThrownBy(() -> predictions.predict(new InferenceRequest("big", "m", "v1", null, FakeModel.tensor(rows))))
                .isInstanceOf(TooLargeException.class);

        assertThat(telemetry).extracting(Served::requestId, Served::outcome, Served::errorType)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("big", Outcome.CLIENT_ERROR, "oversized"));
    }

    @Test
    void keepsAVersionThatLeftTheTableLoadedSoARollbackServesItAtOnce() throws Exception {
        java.util.concurrent.atomic.AtomicReference<java.time.Instant> now = new java.util.concurrent.atomic.AtomicReference<>(
                java.time.Instant.parse("2026-12-04T18:00:00Z"));
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return now.get();
            }
        };
        java.util.concurrent.atomic.AtomicInteger loads = new java.util.concurrent.atomic.AtomicInteger();
        try (ModelHost retaining = new ModelHost((model, route) -> {
            loads.incrementAndGet();
            return loader.load(model, route);
        }, Executors.newFixedThreadPool(2), new BatchSettings(MAX_BATCH, Duration.ofMillis(1), 64, Duration.ofSeconds(1)), clock,
                Duration.ofMinutes(10))) {
            RoutingTable routing = new RoutingTable();
            routing.onChange(retaining::sync);
            Predictions answering = new Predictions(routing, retaining, telemetry::add, Duration.ofSeconds(5),
                    new InputGuard(InputGuard.Mode.REFUSE, 1.0));
            routing.apply(new ModelRoutes("m", 1, List.of(new Route("v1", Role.STABLE, 100, "file:/v1/"))));
            await(() -> retaining.served("m", "v1").isPresent());
            routing.apply(new ModelRoutes("m", 2, List.of(new Route("v2", Role.STABLE, 100, "file:/v2/")))); // promoted
            await(() -> retaining.served("m", "v2").isPresent());
            FakeModel predecessor = loaded.get("v1");
            assertThat(retaining.versions("m")).extracting(HostedVersion::version).containsExactly("v2");
            assertThat(retaining.retainedUntil("m")).containsEntry("v1", java.time.Instant.parse("2026-12-04T18:10:00Z"));

            routing.apply(new ModelRoutes("m", 3, List.of(new Route("v1", Role.STABLE, 100, "file:/v1/")))); // rolled back

            assertThat(retaining.notReady(routing.get("m").orElseThrow())).as("ready at once, not loading").isEmpty();
            assertThat(answering.predict(new InferenceRequest("back", "m", null, null, FakeModel.tensor(1f, 0f))).version()).isEqualTo("v1");
            assertThat(loads).as("v1 was loaded once, v2 once").hasValue(2);
            assertThat(predecessor.closed).isFalse();

            now.set(now.get().plus(Duration.ofMinutes(11))); // v2 left the table at rollback; its time is up later
            retaining.unloadExpired();
            await(() -> loaded.get("v2").closed);
            assertThat(retaining.retainedUntil("m")).isEmpty();
            assertThat(telemetry).extracting(Served::outcome).containsOnly(Outcome.OK);
        }
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
