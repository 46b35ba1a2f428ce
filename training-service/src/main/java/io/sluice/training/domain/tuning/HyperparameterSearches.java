package io.sluice.training.domain.tuning;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.sluice.training.domain.EpochResult;
import io.sluice.training.domain.ModelSettings;
import io.sluice.training.domain.RunStoppedException;
import io.sluice.training.domain.TrainingBackend;
import io.sluice.training.domain.TrainingFailure;
import io.sluice.training.domain.TrainingJob;
import io.sluice.training.domain.TrainingMonitor;
import io.sluice.training.domain.TrainingOutcome;
import io.sluice.training.domain.TrainingRequest;

/**
 * Runs hyperparameter searches: a search is journaled when accepted (once per search id, so a redelivered request
 * starts nothing), its trials train on a pool of {@code parallelism} threads with a {@link SuccessiveHalving}
 * scheduler stopping poor ones at its rungs, every finished trial is published and then journaled, and when all
 * trials are done the best one is published as the winner and offered to {@link TunedParameters}. Searches run one
 * at a time, in acceptance order. A search interrupted by shutdown or handover stays unfinished in the journal; the
 * owner of the model resumes it ({@link #adopt}): trials already journaled are neither rerun nor republished, their
 * rung metrics are replayed into a new scheduler, the others train again from their first epoch.
 */
public final class HyperparameterSearches implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(HyperparameterSearches.class.getName());

    private final SearchJournal journal;
    private final TrainingBackend backend;
    private final RemoteSearch remote;
    private final TuningListener listener;
    private final Function<String, ModelSettings> settings;
    private final Function<String, SearchSpace> spaces;
    private final TunedParameters tuned;
    private final Clock clock;
    private final ExecutorService coordinator;
    private final ExecutorService trials;
    private final Map<String, SearchRecord> searches = new ConcurrentHashMap<>();
    private final Set<String> scheduled = ConcurrentHashMap.newKeySet();
    private final Set<String> released = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    /**
     * @param backend     trains the trials (a backend whose model versions go to a scratch bucket, not the models bucket)
     * @param settings    a model's own settings (without tuned parameters), which trials start from
     * @param spaces      the search space per model
     * @param parallelism trials training at once
     */
    public HyperparameterSearches(SearchJournal journal, TrainingBackend backend, TuningListener listener,
                                  Function<String, ModelSettings> settings, Function<String, SearchSpace> spaces, TunedParameters tuned,
                                  int parallelism, Clock clock) throws IOException {
        this(journal, backend, null, listener, settings, spaces, tuned, parallelism, clock);
    }

    /**
     * @param remote runs each search as one cloud job instead of training trials here (null: local trials)
     */
    public HyperparameterSearches(SearchJournal journal, TrainingBackend backend, RemoteSearch remote, TuningListener listener,
                                  Function<String, ModelSettings> settings, Function<String, SearchSpace> spaces, TunedParameters tuned,
                                  int parallelism, Clock clock) throws IOException {
        this.journal = journal;
        this.backend = backend;
        this.remote = remote;
        this.listener = listener;
        this.settings = settings;
        this.spaces = spaces;
        this.tuned = tuned;
        this.clock = clock;
        this.coordinator = Executors.newSingleThreadExecutor(daemon("tuning-search-", new AtomicInteger()));
        this.trials = Executors.newFixedThreadPool(parallelism, daemon("tuning-trial-", new AtomicInteger()));
        for (SearchRecord record : journal.all()) {
            searches.put(record.searchId(), record);
        }
    }

    /** The search id of a request: the model and the first 12 hex of the requesting event's id. */
    public static String searchId(String model, String causeEventId) {
        String hex = causeEventId.replace("-", "");
        return model + "-tune-" + hex.substring(0, Math.min(12, hex.length()));
    }

    /**
     * Accepts a search of the request's model and dataset version unless its search id is known already.
     *
     * @return the accepted search, or empty when the request was a redelivery
     */
    public synchronized Optional<SearchRecord> accept(TrainingRequest request) throws IOException {
        String searchId = searchId(request.modelName(), request.causeEventId());
        if (searches.containsKey(searchId)) {
            LOG.info(() -> "search " + searchId + " already accepted; ignoring its redelivery");
            return Optional.empty();
        }
        SearchRecord record = new SearchRecord(searchId, request, spaces.apply(request.modelName()), SearchRecord.State.QUEUED,
                clock.instant(), clock.instant(), List.of(), null, null, null);
        journal.save(record);
        searches.put(searchId, record);
        schedule(searchId);
        return Optional.of(record);
    }

    /** Takes over the journaled unfinished searches of the models this instance now owns and resumes them in acceptance order. */
    public synchronized List<SearchRecord> adopt(Predicate<String> ownedModel) throws IOException {
        List<SearchRecord> unfinished = new ArrayList<>();
        for (SearchRecord record : journal.all()) {
            if (!ownedModel.test(record.request().modelName()) || scheduled.contains(record.searchId())) {
                continue;
            }
            searches.put(record.searchId(), record);
            released.remove(record.searchId());
            if (!record.state().finished()) {
                unfinished.add(record);
            }
        }
        unfinished.sort(Comparator.comparing(SearchRecord::acceptedAt));
        for (SearchRecord search : unfinished) {
            LOG.info(() -> "resuming search " + search.searchId() + " after its " + search.trials().size() + " finished trials");
            schedule(search.searchId());
        }
        return unfinished;
    }

    /** Stops the searches of models this instance no longer owns at their trials' next batch; they stay unfinished for the new owner. */
    public synchronized void release(Predicate<String> ownedModel) {
        for (SearchRecord search : List.copyOf(searches.values())) {
            if (!ownedModel.test(search.request().modelName())) {
                released.add(search.searchId());
                scheduled.remove(search.searchId());
                searches.remove(search.searchId());
            }
        }
    }

    public Optional<SearchRecord> search(String searchId) {
        return Optional.ofNullable(searches.get(searchId));
    }

    private void schedule(String searchId) {
        scheduled.add(searchId);
        coordinator.execute(() -> run(searchId));
    }

    private void run(String searchId) {
        try {
            SearchRecord search = searches.get(searchId);
            if (search == null || search.state().finished() || closing || released.contains(searchId)) {
                return;
            }
            long start = clock.millis();
            SearchSpace space = search.space();
            SuccessiveHalving scheduler = space.scheduler();
            for (TrialResult done : search.trials()) {
                for (int rung = 0; rung < done.rungMetrics().size(); rung++) {
                    scheduler.report(scheduler.rungs().get(rung), done.rungMetrics().get(rung));
                }
            }
            save(search.with(SearchRecord.State.RUNNING, clock.instant(), null, null));
            ModelSettings base = settings.apply(search.request().modelName());
            if (remote != null) {
                runRemotely(searchId, base, start);
                return;
            }
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < space.trials(); i++) {
                if (!search.finishedTrial(i)) {
                    int index = i;
                    running.add(trials.submit(() -> trial(searchId, index, base, scheduler)));
                }
            }
            for (Future<?> trial : running) {
                trial.get();
            }
            finish(searchId, clock.millis() - start, backend.name(), space.trials());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | IOException | RuntimeException e) {
            LOG.log(Level.SEVERE, "search " + searchId + " could not go on; it is resumed on the next start", e);
        } finally {
            scheduled.remove(searchId);
        }
    }

    /** The whole search as one cloud job: its trials are published as they are when it ends, then the winner. */
    private void runRemotely(String searchId, ModelSettings base, long start) throws IOException {
        SearchRecord search = searches.get(searchId);
        List<TrialResult> results;
        try {
            results = remote.search(search, base, jobId -> {
                try {
                    save(searches.get(searchId).withExternalJob(jobId, clock.instant()));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException("cannot journal the tuning job of search " + searchId, e);
                }
            }, () -> closing || released.contains(searchId));
        } catch (RunStoppedException e) {
            LOG.info(() -> "search " + searchId + " left to its cloud job; re-attached on the next start");
            return;
        } catch (TrainingFailure e) {
            synchronized (this) {
                listener.failed(search, e.getMessage());
                save(searches.get(searchId).with(SearchRecord.State.FAILED, clock.instant(), null, e.getMessage()));
            }
            return;
        }
        for (TrialResult trial : results) {
            if (!searches.get(searchId).finishedTrial(trial.index())) {
                record(searchId, trial);
            }
        }
        finish(searchId, clock.millis() - start, remote.name(), results.size());
    }

    private synchronized void finish(String searchId, long durationMillis, String backendName, int expected) throws IOException {
        SearchRecord search = searches.get(searchId);
        if (search == null || closing || released.contains(searchId) || search.trials().size() < expected || expected == 0) {
            return; // some trial stopped for shutdown or handover: resumed later
        }
        Optional<TrialResult> best = search.best();
        if (best.isEmpty()) {
            String reason = "every trial failed; the first: " + search.trials().get(0).reason();
            listener.failed(search, reason);
            save(search.with(SearchRecord.State.FAILED, clock.instant(), null, reason));
            return;
        }
        TrialResult winner = best.get();
        Map<String, String> parameters = new LinkedHashMap<>();
        SearchSpace.TUNED.stream().filter(winner.parameters()::containsKey).forEach(k -> parameters.put(k, winner.parameters().get(k)));
        // offered before it is published: whoever sees the winner event and asks this replica to train gets its parameters
        tuned.offer(search.request().modelName(), searchId, parameters, clock.instant());
        listener.completed(search, winner, parameters, backendName, durationMillis);
        save(search.with(SearchRecord.State.COMPLETED, clock.instant(), winner.trialId(), null));
        LOG.info(() -> "search " + searchId + " won by " + winner.trialId() + " " + parameters + " at validation accuracy "
                + winner.validationAccuracy());
    }

    private void trial(String searchId, int index, ModelSettings base, SuccessiveHalving scheduler) {
        SearchRecord search = searches.get(searchId);
        if (search == null || closing || released.contains(searchId)) {
            return;
        }
        Map<String, String> parameters = search.space().trialParameters(index, base);
        String trialId = searchId + "-t" + index;
        TrainingJob job = new TrainingJob(trialId, search.request(), trialId, search.space().trialSettings(base, parameters),
                Optional.empty(), null);
        TrialMonitor monitor = new TrialMonitor(searchId, scheduler);
        TrialResult result;
        try {
            TrainingOutcome outcome = backend.train(job, monitor);
            EpochResult best = outcome.best();
            result = new TrialResult(trialId, index, parameters, TrialResult.Outcome.COMPLETED, outcome.history().size(),
                    best.validationAccuracy(), best.validationLoss(), monitor.rungMetrics, null);
        } catch (RunStoppedException e) {
            if (monitor.stoppedAt == 0) {
                return; // shutdown or handover: the trial is redone when the search resumes
            }
            result = new TrialResult(trialId, index, parameters, TrialResult.Outcome.STOPPED_EARLY, monitor.stoppedAt,
                    monitor.bestAccuracy, monitor.bestLoss, monitor.rungMetrics, "stopped at the rung of epoch " + monitor.stoppedAt
                            + ": fewer than 1/" + search.space().reductionFactor() + " of the trials there did worse");
        } catch (TrainingFailure e) {
            result = failed(trialId, index, parameters, monitor, e.getMessage());
        } catch (RuntimeException e) {
            if (closing || released.contains(searchId)) {
                return;
            }
            LOG.log(Level.WARNING, "trial " + trialId + " failed unexpectedly", e);
            result = failed(trialId, index, parameters, monitor, "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            backend.discard(trialId);
        }
        record(searchId, result);
    }

    private static TrialResult failed(String trialId, int index, Map<String, String> parameters, TrialMonitor monitor, String reason) {
        return new TrialResult(trialId, index, parameters, TrialResult.Outcome.FAILED, monitor.epochs, monitor.bestAccuracy,
                monitor.bestLoss, monitor.rungMetrics, reason);
    }

    /** Publishes a finished trial, then journals it: a crash in between republishes it (consumers de-duplicate on trial id). */
    private synchronized void record(String searchId, TrialResult trial) {
        SearchRecord search = searches.get(searchId);
        if (search == null || released.contains(searchId)) {
            return;
        }
        try {
            listener.trialFinished(search, trial);
            save(search.withTrial(trial, clock.instant()));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.SEVERE, "cannot record trial " + trial.trialId() + "; it is redone when the search resumes", e);
        }
    }

    private void save(SearchRecord record) throws IOException {
        journal.save(record);
        searches.put(record.searchId(), record);
    }

    @Override
    public void close() {
        closing = true;
        coordinator.shutdownNow();
        trials.shutdownNow();
        try {
            if (!trials.awaitTermination(30, TimeUnit.SECONDS) || !coordinator.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warning("trials did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String prefix, AtomicInteger counter) {
        return r -> {
            Thread thread = new Thread(r, prefix + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Reports each epoch to the scheduler and stops the trial at the next batch when the scheduler says so. */
    private final class TrialMonitor implements TrainingMonitor {

        private final String searchId;
        private final SuccessiveHalving scheduler;
        private final List<Double> rungMetrics = new ArrayList<>();
        private volatile int stoppedAt;
        private int epochs;
        private double bestAccuracy;
        private double bestLoss = Double.NaN;

        TrialMonitor(String searchId, SuccessiveHalving scheduler) {
            this.searchId = searchId;
            this.scheduler = scheduler;
        }

        @Override
        public void started(String backendName, String device, String architecture, Map<String, String> hyperParameters,
                            String parentVersion) {}

        @Override
        public void epoch(EpochResult result, int maxEpochs, double samplesPerSecond, Double etaSeconds) {
            epochs = result.epoch();
            if (Double.isNaN(bestLoss) || result.validationAccuracy() > bestAccuracy
                    || (result.validationAccuracy() == bestAccuracy && result.validationLoss() < bestLoss)) {
                bestAccuracy = result.validationAccuracy();
                bestLoss = result.validationLoss();
            }
            if (scheduler.rungs().contains(result.epoch())) {
                rungMetrics.add(result.validationAccuracy());
                if (scheduler.report(result.epoch(), result.validationAccuracy()) == SuccessiveHalving.Decision.STOP) {
                    stoppedAt = result.epoch();
                }
            }
        }

        @Override
        public boolean stopRequested() {
            return stoppedAt > 0 || closing || released.contains(searchId) || Thread.currentThread().isInterrupted();
        }
    }
}
