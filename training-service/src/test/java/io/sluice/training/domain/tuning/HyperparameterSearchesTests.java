package io.sluice.training.domain.tuning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import io.sluice.platform.storage.FileObjectStore;
import io.sluice.training.domain.EpochResult;
import io.sluice.training.domain.ModelSettings;
import io.sluice.training.domain.RunStoppedException;
import io.sluice.training.domain.TrainingBackend;
import io.sluice.training.domain.TrainingJob;
import io.sluice.training.domain.TrainingMonitor;
import io.sluice.training.domain.TrainingOutcome;
import io.sluice.training.domain.TrainingRequest;
import io.sluice.training.journal.ObjectStoreSearchJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Searches with a scripted trainer whose accuracy grows with the learning rate: who is stopped, who wins, what survives a restart. */
class HyperparameterSearchesTests {

    static final Duration WAIT = Duration.ofSeconds(20);
    static final SearchSpace SPACE = new SearchSpace(9, 1e-4, 1e-1, List.of(16, 32), List.of(), 1, 9, 3, 11);
    static final ModelSettings BASE = new ModelSettings(null, List.of(), List.of(), 0, "adam", 0.001, 32, 20, 20, 1, List.of(), null,
            false, true);

    @TempDir
    Path temp;

    final List<String> events = new CopyOnWriteArrayList<>();
    final List<TrialResult> published = new CopyOnWriteArrayList<>();
    final List<Map<String, String>> winners = new CopyOnWriteArrayList<>();
    final TunedParameters tuned = new TunedParameters();
    final List<HyperparameterSearches> started = new ArrayList<>();

    @AfterEach
    void closeAll() {
        started.forEach(HyperparameterSearches::close);
    }

    HyperparameterSearches start(TrainingBackend backend, int parallelism) throws Exception {
        FileObjectStore store = new FileObjectStore(temp.resolve("buckets"));
        HyperparameterSearches searches = new HyperparameterSearches(new ObjectStoreSearchJournal(store, store.bucket("staging").resolve("searches/")),
                backend, new Recording(), model -> BASE, model -> SPACE, tuned, parallelism, Clock.systemUTC());
        started.add(searches);
        return searches;
    }

    static TrainingRequest request(String eventId) {
        return new TrainingRequest("digits", "digits", "abcdef0123456789", "file:/m.json", "OPERATOR", "digits@abc", eventId);
    }

    @Test
    void stopsPoorTrialsAtTheRungsAndPublishesTheBestAsTheWinner() throws Exception {
        HyperparameterSearches searches = start(new Scripted(null), 1);

        SearchRecord accepted = searches.accept(request("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")).orElseThrow();
        await().atMost(WAIT).until(() -> winners.size() == 1);

        assertThat(accepted.searchId()).isEqualTo("digits-tune-0f1e2d3c4b5a");
        assertThat(published).hasSize(9).extracting(TrialResult::trialId).doesNotHaveDuplicates();
        assertThat(published).filteredOn(t -> t.outcome() == TrialResult.Outcome.STOPPED_EARLY).isNotEmpty()
                .allMatch(t -> t.epochs() < 9 && t.reason().contains("rung"));
        TrialResult best = published.stream().max(java.util.Comparator.comparingDouble(t -> Double.parseDouble(t.parameters().get("learningRate"))))
                .orElseThrow();
        assertThat(best.outcome()).isEqualTo(TrialResult.Outcome.COMPLETED);
        assertThat(best.epochs()).isEqualTo(9);
        assertThat(winners.get(0)).containsEntry("learningRate", best.parameters().get("learningRate"))
                .containsOnlyKeys("learningRate", "batchSize");
        assertThat(tuned.of("digits")).isEqualTo(winners.get(0));
        assertThat(events).last().isEqualTo("completed " + best.trialId());
        assertThat(searches.search(accepted.searchId())).map(SearchRecord::state).contains(SearchRecord.State.COMPLETED);
    }

    @Test
    void startsNothingForARedeliveredRequest() throws Exception {
        HyperparameterSearches searches = start(new Scripted(null), 2);

        assertThat(searches.accept(request("e1"))).isPresent();
        assertThat(searches.accept(request("e1"))).isEmpty();
        await().atMost(WAIT).until(() -> winners.size() == 1);
        assertThat(published).hasSize(9);
    }

    @Test
    void aResumedSearchNeitherRerunsNorRepublishesItsFinishedTrialsAndPublishesOneWinner() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        HyperparameterSearches first = start(new Scripted(holding), 1);
        first.accept(request("e2"));
        await().atMost(WAIT).until(() -> published.size() == 4 && holding.getCount() == 0); // trial 4 is training, held
        first.close();
        List<String> beforeRestart = published.stream().map(TrialResult::trialId).toList();

        Scripted second = new Scripted(null);
        HyperparameterSearches resumed = start(second, 2);
        assertThat(resumed.adopt(model -> true)).hasSize(1);
        await().atMost(WAIT).until(() -> winners.size() == 1);

        assertThat(published).hasSize(9).extracting(TrialResult::trialId).doesNotHaveDuplicates().containsAll(beforeRestart);
        assertThat(second.trained).doesNotContainAnyElementsOf(beforeRestart).hasSize(5);
        assertThat(resumed.adopt(model -> true)).isEmpty();
    }

    /** Accuracy = epoch / 9 × (log10(learning rate) + 5) / 4: higher learning rates always do better; optionally holds trial 4. */
    static final class Scripted implements TrainingBackend {
        final CountDownLatch hold;
        final List<String> trained = new CopyOnWriteArrayList<>();

        Scripted(CountDownLatch hold) {
            this.hold = hold;
        }

        @Override
        public String name() {
            return "local";
        }

        @Override
        public TrainingOutcome train(TrainingJob job, TrainingMonitor monitor) {
            trained.add(job.runId());
            if (hold != null && job.runId().endsWith("-t4")) {
                hold.countDown();
                await().atMost(WAIT).until(monitor::stopRequested);
                throw new RunStoppedException("stop requested");
            }
            double quality = (Math.log10(job.settings().learningRate()) + 5) / 4;
            List<EpochResult> history = new ArrayList<>();
            for (int epoch = 1; epoch <= job.settings().maxEpochs(); epoch++) {
                if (monitor.stopRequested()) {
                    throw new RunStoppedException("stop requested");
                }
                EpochResult result = new EpochResult(epoch, 1, 0.5, 1 - quality, quality * epoch / 9);
                history.add(result);
                monitor.epoch(result, job.settings().maxEpochs(), 100, null);
            }
            return new TrainingOutcome(job.modelVersion(), "file:/m/", "file:/m/card.json", List.of(), "mlp", history.size(), history, null,
                    name(), "cpu");
        }
    }

    final class Recording implements TuningListener {
        @Override
        public void trialFinished(SearchRecord search, TrialResult trial) {
            published.add(trial);
            events.add("trial " + trial.trialId() + " " + trial.outcome());
        }

        @Override
        public void completed(SearchRecord search, TrialResult winner, Map<String, String> bestParameters, String backend, long durationMillis) {
            winners.add(bestParameters);
            events.add("completed " + winner.trialId());
        }

        @Override
        public void failed(SearchRecord search, String reason) {
            events.add("failed " + reason);
        }
    }
}
