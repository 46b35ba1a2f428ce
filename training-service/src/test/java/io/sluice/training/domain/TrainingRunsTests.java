package io.sluice.training.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRunsTests {

    @TempDir
    Path temp;

    final List<String> events = new CopyOnWriteArrayList<>();
    final ScriptedBackend backend = new ScriptedBackend();
    TrainingRuns runs;

    @AfterEach
    void tearDown() {
        if (runs != null) {
            runs.close();
        }
    }

    TrainingRuns start(int maxConcurrentRuns) throws Exception {
        runs = new TrainingRuns(io.sluice.training.TestJournals.in(temp.resolve("state")), backend, new RecordingListener(events), model -> Optional.empty(),
                model -> new ModelSettings(null, List.of(), List.of(), 0, "adam", 0.01, 8, 2, 1, 1, List.of(), null, false, true),
                maxConcurrentRuns, Clock.systemUTC());
        return runs;
    }

    static TrainingRequest request(String model, String datasetVersion, String eventId) {
        return new TrainingRequest(model, model, datasetVersion, "file:/m.json", "DATASET_READY", model + "@" + datasetVersion, eventId);
    }

    @Test
    void acceptsADatasetVersionOnceHoweverOftenItIsDelivered() throws Exception {
        start(1);

        Optional<RunRecord> first = runs.accept(request("digits", "aaaaaaaaaaaaaaaa", "e1"), false);
        Optional<RunRecord> redelivered = runs.accept(request("digits", "aaaaaaaaaaaaaaaa", "e1"), false);
        Optional<RunRecord> republished = runs.accept(request("digits", "aaaaaaaaaaaaaaaa", "e2"), false);
        awaitEvents("completed digits-aaaaaaaaaaaa-1");

        assertThat(first).map(RunRecord::runId).contains("digits-aaaaaaaaaaaa-1");
        assertThat(redelivered).isEmpty();
        assertThat(republished).isEmpty();
        // one worker runs accepted runs in order: a duplicate queued behind the first would run before this marker
        runs.accept(request("marker", "bbbbbbbbbbbbbbbb", "e3"), false);
        awaitEvents("completed marker-bbbbbbbbbbbb-1");
        assertThat(backend.calls.get()).isEqualTo(2);
        assertThat(events).containsExactly("started digits-aaaaaaaaaaaa-1", "completed digits-aaaaaaaaaaaa-1",
                "started marker-bbbbbbbbbbbb-1", "completed marker-bbbbbbbbbbbb-1");
    }

    @Test
    void retrainsTheSameDatasetVersionAsANewAttemptWhenAskedExplicitly() throws Exception {
        start(1);
        runs.accept(request("digits", "aaaaaaaaaaaaaaaa", "e1"), false);
        awaitState("digits-aaaaaaaaaaaa-1", RunState.COMPLETED);

        Optional<RunRecord> retrain = runs.accept(request("digits", "aaaaaaaaaaaaaaaa", "retrain-1"), true);
        awaitEvents("completed digits-aaaaaaaaaaaa-2");

        assertThat(retrain).map(RunRecord::attempt).contains(2);
        assertThat(retrain.get().modelVersion()).endsWith("-aaaaaaaa-2");
    }

    @Test
    void supersedesARunningRunWhenANewerDatasetVersionArrives() throws Exception {
        start(1);
        CountDownLatch running = new CountDownLatch(1);
        backend.behaviour = monitor -> {
            running.countDown();
            return true; // train until told to stop
        };
        runs.accept(request("digits", "1111111111111111", "e1"), false);
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        backend.behaviour = monitor -> false;

        runs.accept(request("digits", "2222222222222222", "e2"), false);
        awaitEvents("completed digits-222222222222-1");

        assertThat(events).contains("SUPERSEDED digits-111111111111-1 by digits-222222222222-1");
        awaitState("digits-111111111111-1", RunState.SUPERSEDED);
    }

    @Test
    void supersedesAQueuedRunBeforeItStarts() throws Exception {
        start(1);
        CountDownLatch release = new CountDownLatch(1);
        backend.behaviour = monitor -> {
            await(release);
            return false;
        };
        runs.accept(request("other", "0000000000000000", "e0"), false);
        runs.accept(request("digits", "1111111111111111", "e1"), false);

        runs.accept(request("digits", "2222222222222222", "e2"), false);
        release.countDown();
        awaitEvents("completed digits-222222222222-1");

        assertThat(events).contains("SUPERSEDED digits-111111111111-1 by digits-222222222222-1")
                .doesNotContain("started digits-111111111111-1");
    }

    @Test
    void runsAtMostTheConfiguredNumberOfRunsAtOnce() throws Exception {
        start(1);
        backend.behaviour = monitor -> {
            sleep(100);
            return false;
        };

        runs.accept(request("a", "0000000000000000", "e1"), false);
        runs.accept(request("b", "0000000000000000", "e2"), false);
        runs.accept(request("c", "0000000000000000", "e3"), false);
        awaitEvents("completed a-000000000000-1", "completed b-000000000000-1", "completed c-000000000000-1");

        assertThat(backend.maxConcurrent.get()).isEqualTo(1);
    }

    @Test
    void leavesARunInterruptedByShutdownUnfinishedAndRedoesItOnTheNextStart() throws Exception {
        start(1);
        CountDownLatch running = new CountDownLatch(1);
        backend.behaviour = monitor -> {
            running.countDown();
            return true;
        };
        runs.accept(request("digits", "1111111111111111", "e1"), false);
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

        runs.close();
        assertThat(events).containsExactly("started digits-111111111111-1");
        assertThat(backend.discarded).as("checkpoint kept for the restart").isEmpty();
        backend.behaviour = monitor -> false;
        start(1);
        List<RunRecord> redone = runs.recover();
        awaitEvents("completed digits-111111111111-1");

        assertThat(redone).extracting(RunRecord::runId).containsExactly("digits-111111111111-1");
        assertThat(events).filteredOn(e -> e.startsWith("completed")).hasSize(1);
        assertThat(runs.accept(request("digits", "1111111111111111", "e1"), false)).as("redelivery after restart").isEmpty();
        awaitState("digits-111111111111-1", RunState.COMPLETED);
        assertThat(backend.discarded).containsExactly("digits-111111111111-1");
    }

    @Test
    void handsARunOverToTheReplicaThatNowOwnsItsModelWhichCompletesItOnce() throws Exception {
        start(1);
        CountDownLatch running = new CountDownLatch(1);
        backend.behaviour = monitor -> {
            running.countDown();
            return true;
        };
        runs.accept(request("digits", "1111111111111111", "e1"), false);
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(runs.release(model -> false, Duration.ofSeconds(10))).as("stopped within the wait").isEmpty();
        assertThat(events).containsExactly("started digits-111111111111-1");
        assertThat(backend.discarded).as("checkpoint kept for the new owner").isEmpty();
        backend.behaviour = monitor -> false;
        try (TrainingRuns other = new TrainingRuns(io.sluice.training.TestJournals.in(temp.resolve("state")), backend,
                new RecordingListener(events), model -> Optional.empty(),
                model -> new ModelSettings(null, List.of(), List.of(), 0, "adam", 0.01, 8, 2, 1, 1, List.of(), null, false, true), 1,
                Clock.systemUTC())) {
            assertThat(other.adopt(model -> model.equals("other"))).as("not its model").isEmpty();
            List<RunRecord> adopted = other.adopt(model -> model.equals("digits"));
            awaitEvents("completed digits-111111111111-1");

            assertThat(adopted).extracting(RunRecord::runId).containsExactly("digits-111111111111-1");
            assertThat(other.accept(request("digits", "1111111111111111", "e1"), false)).as("redelivery to the new owner").isEmpty();
            assertThat(other.adopt(model -> true)).as("adopting again starts nothing").isEmpty();
        }
        assertThat(events).filteredOn(e -> e.startsWith("completed")).hasSize(1);
        assertThat(events).filteredOn(e -> e.startsWith("started")).hasSize(2);
    }

    @Test
    void publishesAFailureWithTheBackendsReason() throws Exception {
        start(1);
        backend.failure = "dataset digits has 0 validation samples";

        runs.accept(request("digits", "1111111111111111", "e1"), false);
        awaitEvents("FAILED digits-111111111111-1: dataset digits has 0 validation samples");

        awaitState("digits-111111111111-1", RunState.FAILED);
        assertThat(backend.discarded).as("a failed run never resumes").containsExactly("digits-111111111111-1");
    }

    @Test
    void cancelsARunningRunOnRequest() throws Exception {
        start(1);
        CountDownLatch running = new CountDownLatch(1);
        backend.behaviour = monitor -> {
            running.countDown();
            return true;
        };
        runs.accept(request("digits", "1111111111111111", "e1"), false);
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(runs.cancel("digits-111111111111-1")).isTrue();
        awaitEvents("CANCELLED digits-111111111111-1 by null");
        awaitState("digits-111111111111-1", RunState.CANCELLED);
        assertThat(backend.discarded).containsExactly("digits-111111111111-1");
    }

    private void awaitEvents(String... expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!events.containsAll(List.of(expected)) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(events).contains(expected);
    }

    /** The journal is written right after the event is published: wait for it. */
    private void awaitState(String runId, RunState state) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (runs.run(runId).map(RunRecord::state).filter(state::equals).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(runs.run(runId)).map(RunRecord::state).contains(state);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A backend whose behaviour a test sets: returns true to keep "training" until told to stop. */
    static final class ScriptedBackend implements TrainingBackend {
        volatile java.util.function.Function<TrainingMonitor, Boolean> behaviour = monitor -> false;
        volatile String failure;
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger concurrent = new AtomicInteger();
        final AtomicInteger maxConcurrent = new AtomicInteger();
        final List<String> discarded = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public void discard(String runId) {
            discarded.add(runId);
        }

        @Override
        public TrainingOutcome train(TrainingJob job, TrainingMonitor monitor) throws TrainingFailure {
            calls.incrementAndGet();
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            try {
                monitor.started(name(), "cpu()", "mlp", Map.of(), null);
                if (failure != null) {
                    throw new TrainingFailure(failure, false, null);
                }
                if (behaviour.apply(monitor)) {
                    BooleanSupplier stop = monitor::stopRequested;
                    while (!stop.getAsBoolean()) {
                        Thread.onSpinWait();
                    }
                    throw new RunStoppedException("stopped");
                }
                EpochResult epoch = new EpochResult(1, 0.5, 0.8, 0.6, 0.75);
                return new TrainingOutcome(job.modelVersion(), "file:/m/", "file:/m/model-card.json", List.of(), "mlp", 1, List.of(epoch),
                        null, name(), "cpu()");
            } finally {
                concurrent.decrementAndGet();
            }
        }
    }

    /** Turns each published event into one readable line. */
    record RecordingListener(List<String> events) implements TrainingListener {

        @Override
        public void started(RunRecord run, String backend, String device, String architecture, Map<String, String> hyperParameters,
                            String parentVersion) {
            events.add("started " + run.runId());
        }

        @Override
        public void progressed(RunRecord run, EpochResult result, int maxEpochs, double samplesPerSecond, Double etaSeconds) {
            events.add("progressed " + run.runId());
        }

        @Override
        public void completed(RunRecord run, TrainingOutcome outcome, long durationMillis) {
            events.add("completed " + run.runId());
        }

        @Override
        public void failed(RunRecord run, String kind, String reason, String errorType, boolean retryable, String supersededBy) {
            events.add(kind.equals("FAILED") ? "FAILED " + run.runId() + ": " + reason : kind + " " + run.runId() + " by " + supersededBy);
        }
    }
}
