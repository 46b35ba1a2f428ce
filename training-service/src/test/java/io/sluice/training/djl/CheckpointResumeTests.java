package io.sluice.training.djl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.sluice.models.ModelPackage;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.training.SyntheticDatasets;
import io.sluice.training.domain.EpochResult;
import io.sluice.training.domain.RunRecord;
import io.sluice.training.domain.RunState;
import io.sluice.training.domain.TrainingListener;
import io.sluice.training.domain.TrainingOutcome;
import io.sluice.training.domain.TrainingRequest;
import io.sluice.training.domain.TrainingRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A local run stopped by a shutdown after epoch k continues at epoch k+1 in the next instance and completes once. */
class CheckpointResumeTests {

    static final int EPOCHS = 5;
    static final int STOP_AFTER = 2;

    @TempDir
    Path temp;

    @Test
    void continuesAStoppedRunAtTheNextEpochAndCompletesItOnce() throws Exception {
        FileObjectStore store = new FileObjectStore(temp.resolve("buckets"));
        URI modelsBucket = store.bucket("models");
        SyntheticDatasets.Written data = SyntheticDatasets.csv(store, store.bucket("raw"), store.bucket("training"), "points", 60, 3);
        TrainingRequest request = new TrainingRequest("points", "points", data.manifest().version(), data.manifestUri().toString(),
                "DATASET_READY", "corr", "event-1");
        Recorder first = new Recorder(STOP_AFTER);
        TrainingRuns runs = instance(store, modelsBucket, first);
        String runId = runs.accept(request, false).orElseThrow().runId();

        assertThat(first.reachedStop.await(60, TimeUnit.SECONDS)).isTrue();
        runs.close(); // the service stops while epoch 3 is under way
        assertThat(first.completed).isEmpty();
        assertThat(temp.resolve("buckets/staging/checkpoints/" + runId + "/checkpoint.json")).exists();

        Recorder second = new Recorder(Integer.MAX_VALUE);
        try (TrainingRuns restarted = instance(store, modelsBucket, second)) {
            assertThat(restarted.run(runId)).map(RunRecord::state).contains(RunState.RUNNING);
            restarted.recover();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (restarted.run(runId).map(RunRecord::state).orElseThrow() != RunState.COMPLETED && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }

        assertThat(first.progressed).containsExactly(1, 2);
        assertThat(second.progressed).containsExactly(3, 4, 5);
        assertThat(second.completed).singleElement().satisfies(outcome ->
                assertThat(outcome.history()).extracting(EpochResult::epoch).containsExactly(1, 2, 3, 4, 5));
        assertThat(second.failed).isEmpty();
        assertThat(store.list(store.bucket("staging").resolve("checkpoints/" + runId + "/"))).as("discarded once the run completed").isEmpty();
    }

    private TrainingRuns instance(FileObjectStore store, URI modelsBucket, TrainingListener listener) throws Exception {
        DjlTrainingBackend backend = new DjlTrainingBackend(store, new ModelPackage(store, temp.resolve("cache")), modelsBucket, Clock.systemUTC(),
                store.bucket("staging").resolve("checkpoints/"));
        return new TrainingRuns(io.sluice.training.TestJournals.in(temp.resolve("state")), backend, listener, model -> Optional.empty(),
                model -> DjlTrainingBackendTests.noEarlyStop(EPOCHS, 0.01), 1, Clock.systemUTC());
    }

    /** Records epochs and outcomes; after the epoch to stop at, holds the run until the shutdown interrupts it. */
    static final class Recorder implements TrainingListener {
        final int stopAfter;
        final CountDownLatch reachedStop = new CountDownLatch(1);
        final List<Integer> progressed = new CopyOnWriteArrayList<>();
        final List<TrainingOutcome> completed = new CopyOnWriteArrayList<>();
        final List<String> failed = new CopyOnWriteArrayList<>();

        Recorder(int stopAfter) {
            this.stopAfter = stopAfter;
        }

        @Override
        public void started(RunRecord run, String backend, String device, String architecture, Map<String, String> hyperParameters,
                            String parentVersion) {}

        @Override
        public void progressed(RunRecord run, EpochResult result, int maxEpochs, double samplesPerSecond, Double etaSeconds) {
            progressed.add(result.epoch());
            if (result.epoch() == stopAfter) {
                reachedStop.countDown();
                try {
                    new CountDownLatch(1).await(60, TimeUnit.SECONDS); // until close() interrupts this thread
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void completed(RunRecord run, TrainingOutcome outcome, long durationMillis) {
            completed.add(outcome);
        }

        @Override
        public void failed(RunRecord run, String kind, String reason, String errorType, boolean retryable, String supersededBy) {
            failed.add(kind + ": " + reason);
        }
    }
}
