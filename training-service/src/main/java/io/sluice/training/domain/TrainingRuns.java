package io.sluice.training.domain;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Accepts training requests, journals them before anything else, runs them on a bounded pool
 * off the caller's (consumer's) thread, and publishes their outcome. One run per (model, dataset
 * version): a redelivered request changes nothing; explicit retraining adds an attempt. A newer
 * dataset version for the same model supersedes older unfinished runs. With replicas, the instance
 * that owns a model (its partition of the training requests) runs its runs: {@link #adopt} redoes
 * every run of the newly owned models that had not published its outcome (the backend resumes it
 * from its checkpoint when it keeps one), {@link #release} hands the runs of models that moved away
 * over; a run interrupted by shutdown or handover is left unfinished in the journal for exactly that
 * reason, and a finished run's checkpoint is discarded.
 */
public final class TrainingRuns implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TrainingRuns.class.getName());
    private static final DateTimeFormatter VERSION_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final RunJournal journal;
    private final TrainingBackend backend;
    private final TrainingListener listener;
    private final ProductionModels production;
    private final Function<String, ModelSettings> settings;
    private final Clock clock;
    private final ThreadPoolExecutor executor;
    private final Map<String, RunRecord> runs = new ConcurrentHashMap<>();
    private final Map<String, String> stopRequests = new ConcurrentHashMap<>();
    /** Runs queued or executing on this instance. */
    private final Set<String> scheduled = ConcurrentHashMap.newKeySet();
    private final Set<String> executing = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;
    /** Stop request of a run whose model moved to another replica. */
    private static final String HANDED_OVER = "\0handed-over";

    /**
     * @param settings          resolved settings per model name
     * @param maxConcurrentRuns runs executing at once; further runs queue in acceptance order
     */
    public TrainingRuns(RunJournal journal, TrainingBackend backend, TrainingListener listener, ProductionModels production,
                        Function<String, ModelSettings> settings, int maxConcurrentRuns, Clock clock) throws IOException {
        this.journal = journal;
        this.backend = backend;
        this.listener = listener;
        this.production = production;
        this.settings = settings;
        this.clock = clock;
        AtomicInteger threads = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(maxConcurrentRuns, maxConcurrentRuns, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread thread = new Thread(r, "training-run-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        for (RunRecord record : journal.all()) {
            runs.put(record.runId(), record);
        }
    }

    /**
     * Accepts a request unless it is a redelivery or a duplicate.
     *
     * @param retrain true for explicit retraining (a new attempt when no run of that dataset version is unfinished),
     *                false for a new dataset version (at most one run per model and dataset version)
     * @return the accepted run, or empty when nothing new was started
     */
    public synchronized Optional<RunRecord> accept(TrainingRequest request, boolean retrain) throws IOException {
        String key = request.modelName() + "@" + request.datasetVersion();
        List<RunRecord> same = runs.values().stream().filter(r -> r.key().equals(key)).toList();
        boolean redelivered = same.stream().anyMatch(r -> r.request().causeEventId().equals(request.causeEventId()));
        boolean unfinished = same.stream().anyMatch(r -> !r.state().finished());
        if (redelivered || (!retrain && !same.isEmpty()) || unfinished) {
            LOG.info(() -> "training of " + key + " already accepted; ignoring request " + request.causeEventId());
            return Optional.empty();
        }
        int attempt = same.stream().mapToInt(RunRecord::attempt).max().orElse(0) + 1;
        String shortVersion = request.datasetVersion().substring(0, Math.min(12, request.datasetVersion().length()));
        String runId = request.modelName() + "-" + shortVersion + "-" + attempt;
        Instant now = clock.instant();
        String modelVersion = VERSION_TIME.format(now) + "-" + shortVersion.substring(0, Math.min(8, shortVersion.length()))
                + (attempt > 1 ? "-" + attempt : "");
        RunRecord record = new RunRecord(runId, request, attempt, modelVersion, RunState.QUEUED, now, now, null, null, null);
        journal.save(record);
        runs.put(runId, record);
        supersedeOlderRuns(record);
        schedule(runId);
        return Optional.of(record);
    }

    private void schedule(String runId) {
        scheduled.add(runId);
        executor.execute(() -> execute(runId));
    }

    /** Schedules again, in acceptance order, every journaled run that never published its outcome. */
    public List<RunRecord> recover() {
        try {
            return adopt(model -> true);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the run journal", e);
        }
    }

    /**
     * Takes over the journaled runs of the models this instance now owns (reading the journal again:
     * another replica may have written it) and schedules, in acceptance order, every one that never
     * published its outcome — left by a replica that handed it over, stopped or died, or by this one
     * before a restart; the backend resumes it from its checkpoint.
     */
    public synchronized List<RunRecord> adopt(Predicate<String> ownedModel) throws IOException {
        List<RunRecord> unfinished = new ArrayList<>();
        for (RunRecord record : journal.all()) {
            if (!ownedModel.test(record.request().modelName()) || scheduled.contains(record.runId())) {
                continue;
            }
            runs.put(record.runId(), record);
            if (!record.state().finished()) {
                unfinished.add(record);
            }
        }
        unfinished.sort(Comparator.comparing(RunRecord::acceptedAt));
        for (RunRecord run : unfinished) {
            LOG.info(() -> "redoing run " + run.runId() + " left " + run.state() + " by a previous owner");
            schedule(run.runId());
        }
        return unfinished;
    }

    /**
     * Hands over the runs of models this instance no longer owns: queued ones are dropped, running ones
     * stop at their next batch and stay unfinished in the journal (their checkpoint kept) for the new
     * owner to resume. Waits up to {@code wait} for them to stop, so that two replicas never train
     * one run at once.
     *
     * @return runs still executing when the wait ran out
     */
    public Set<String> release(Predicate<String> ownedModel, java.time.Duration wait) {
        List<String> handedOver;
        synchronized (this) {
            List<RunRecord> moved = runs.values().stream().filter(r -> !ownedModel.test(r.request().modelName())).toList();
            handedOver = moved.stream().filter(r -> !r.state().finished()).map(RunRecord::runId).toList();
            for (String runId : moved.stream().map(RunRecord::runId).toList()) {
                if (executing.contains(runId)) {
                    stopRequests.put(runId, HANDED_OVER);
                }
                runs.remove(runId);
                scheduled.remove(runId);
            }
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (handedOver.stream().anyMatch(executing::contains) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20); // polling a few threads that stop between batches
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Set<String> still = new java.util.HashSet<>(handedOver);
        still.retainAll(executing);
        if (!handedOver.isEmpty()) {
            LOG.info(() -> "handed over runs " + handedOver + (still.isEmpty() ? "" : "; still stopping: " + still));
        }
        return still;
    }

    /** Asks a queued or running run to stop; it ends in TrainingFailed(kind CANCELLED). False when it already finished. */
    public synchronized boolean cancel(String runId) throws IOException {
        RunRecord run = runs.get(runId);
        if (run == null || run.state().finished()) {
            return false;
        }
        if (run.state() == RunState.QUEUED) {
            finish(run, RunState.CANCELLED, "cancelled by an operator before it started", null);
        } else {
            stopRequests.put(runId, "");
        }
        return true;
    }

    /** Every run this instance knows, newest first. */
    public List<RunRecord> runs() {
        return runs.values().stream().sorted(Comparator.comparing(RunRecord::acceptedAt).reversed()).toList();
    }

    public Optional<RunRecord> run(String runId) {
        return Optional.ofNullable(runs.get(runId));
    }

    private void supersedeOlderRuns(RunRecord newer) throws IOException {
        for (RunRecord older : List.copyOf(runs.values())) {
            if (older.runId().equals(newer.runId()) || older.state().finished()
                    || !older.request().modelName().equals(newer.request().modelName())
                    || older.request().datasetVersion().equals(newer.request().datasetVersion())) {
                continue;
            }
            if (older.state() == RunState.QUEUED) {
                finish(older, RunState.SUPERSEDED, "superseded by run " + newer.runId() + " on dataset version "
                        + newer.request().datasetVersion() + " before it started", newer.runId());
            } else {
                stopRequests.put(older.runId(), newer.runId());
            }
        }
    }

    private void execute(String runId) {
        RunRecord run;
        synchronized (this) {
            run = runs.get(runId);
            if (run == null || run.state().finished() || closing || !scheduled.contains(runId)) {
                return;
            }
            executing.add(runId);
        }
        long start = clock.millis();
        try {
            run = update(run, RunState.RUNNING, null, null);
            TrainingJob job = new TrainingJob(runId, run.request(), run.modelVersion(), settings.apply(run.request().modelName()),
                    production.stable(run.request().modelName()), run.externalJobId());
            TrainingOutcome outcome = backend.train(job, new Monitor(run));
            listener.completed(run, outcome, clock.millis() - start);
            update(run, RunState.COMPLETED, null, null);
        } catch (RunStoppedException e) {
            stopped(runId);
        } catch (TrainingFailure e) {
            failed(run, e.timedOut() ? "TIMED_OUT" : "FAILED", e.getMessage(), e.getCause() == null ? null : e.getCause().getClass().getName(),
                    e.retryable());
        } catch (RuntimeException e) {
            if (closing || Thread.currentThread().isInterrupted()) {
                LOG.info(() -> "run " + runId + " interrupted by shutdown; it is redone on the next start");
            } else {
                LOG.log(Level.WARNING, "run " + runId + " failed unexpectedly", e);
                failed(run, "FAILED", "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage(), e.getClass().getName(), true);
            }
        } catch (IOException e) {
            LOG.log(Level.SEVERE, "cannot journal run " + runId + "; it is redone on the next start", e);
        } finally {
            executing.remove(runId);
            scheduled.remove(runId);
        }
    }

    private synchronized void stopped(String runId) {
        String by = stopRequests.remove(runId);
        RunRecord run = runs.get(runId);
        try {
            if (HANDED_OVER.equals(by)) {
                LOG.info(() -> "run " + runId + " stopped: handed over to the replica that owns its model now");
            } else if (by == null) {
                LOG.info(() -> "run " + runId + " stopped by shutdown; it is redone on the next start");
            } else if (by.isEmpty()) {
                finish(run, RunState.CANCELLED, "cancelled by an operator while training", null);
            } else {
                finish(run, RunState.SUPERSEDED, "superseded by run " + by + " on a newer dataset version", by);
            }
        } catch (IOException e) {
            LOG.log(Level.SEVERE, "cannot journal the end of run " + runId, e);
        }
    }

    private void failed(RunRecord run, String kind, String reason, String errorType, boolean retryable) {
        try {
            listener.failed(run, kind, reason, errorType, retryable, null);
            update(run, RunState.FAILED, reason, null);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.SEVERE, "cannot record the failure of run " + run.runId() + "; it is redone on the next start", e);
        }
    }

    private void finish(RunRecord run, RunState state, String reason, String supersededBy) throws IOException {
        listener.failed(run, state.name(), reason, null, false, supersededBy);
        update(run, state, reason, supersededBy);
    }

    private RunRecord update(RunRecord run, RunState state, String detail, String supersededBy) throws IOException {
        RunRecord updated = runs.getOrDefault(run.runId(), run).with(state, clock.instant(), detail, supersededBy);
        journal.save(updated);
        if (state.finished()) {
            try {
                backend.discard(updated.runId());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cannot discard the checkpoint of finished run " + updated.runId(), e);
            }
        }
        runs.put(updated.runId(), updated);
        return updated;
    }

    @Override
    public void close() {
        closing = true;
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warning("training runs did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Forwards a run's reports to the listener and tells the backend when to stop. */
    private final class Monitor implements TrainingMonitor {

        private final RunRecord run;

        Monitor(RunRecord run) {
            this.run = run;
        }

        @Override
        public void started(String backendName, String device, String architecture, Map<String, String> hyperParameters,
                            String parentVersion) {
            listener.started(runs.getOrDefault(run.runId(), run), backendName, device, architecture, hyperParameters, parentVersion);
        }

        @Override
        public void submitted(String externalJobId) {
            try {
                RunRecord updated = runs.getOrDefault(run.runId(), run).withExternalJob(externalJobId, clock.instant());
                journal.save(updated);
                runs.put(updated.runId(), updated);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot journal the external job of run " + run.runId(), e);
            }
        }

        @Override
        public boolean cancelRequested() {
            String by = stopRequests.get(run.runId());
            return by != null && !by.equals(HANDED_OVER); // a handed-over cloud job keeps running; the new owner re-attaches
        }

        @Override
        public void epoch(EpochResult result, int maxEpochs, double samplesPerSecond, Double etaSeconds) {
            listener.progressed(run, result, maxEpochs, samplesPerSecond, etaSeconds);
        }

        @Override
        public boolean stopRequested() {
            return closing || stopRequests.containsKey(run.runId()) || Thread.currentThread().isInterrupted();
        }
    }
}
