package io.sluice.ingest.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.sluice.platform.security.LogSafe;

/**
 * Decides when a dataset is complete: at once when a completion marker arrives, otherwise after a
 * quiet period without new objects. Completion runs on one worker thread, one dataset at a time,
 * so duplicate or out-of-order notifications can only make it look again — and looking again at
 * the same content publishes nothing.
 */
public final class DatasetTracker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DatasetTracker.class);

    /** What completing a dataset does (the pipeline); throwing means "try again later". */
    @FunctionalInterface
    public interface Completion {
        /**
         * @param byMarker true when a completion marker arrived, false when the quiet period ran out
         */
        void complete(String dataset, boolean byMarker) throws Exception;
    }

    private final Duration quietPeriod;
    private final Clock clock;
    private final Completion completion;
    private final Map<String, Pending> pending = new HashMap<>();
    private final ScheduledExecutorService ticker;
    private final ExecutorService worker;

    public DatasetTracker(Duration quietPeriod, Clock clock, Completion completion, Duration tick) {
        this.quietPeriod = quietPeriod;
        this.clock = clock;
        this.completion = completion;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "dataset-tracker"));
        this.worker = Executors.newSingleThreadExecutor(r -> daemon(r, "dataset-assembly"));
        ticker.scheduleWithFixedDelay(this::tick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread thread = new Thread(r, name);
        thread.setDaemon(true);
        return thread;
    }

    /** An object of the dataset was stored; {@code marker} when it is a completion marker. */
    public void objectStored(String dataset, boolean marker) {
        synchronized (this) {
            Pending p = pending.computeIfAbsent(dataset, d -> new Pending());
            p.lastSeen = clock.instant();
            p.generation++;
            p.marker |= marker;
        }
        if (marker) {
            ticker.execute(this::tick);
        }
    }

    /**
     * Forgets datasets waiting for completion that this replica no longer owns (a completion
     * already running finishes; the claim in the training bucket keeps it from publishing twice).
     */
    public synchronized void retain(java.util.function.Predicate<String> owned) {
        pending.entrySet().removeIf(e -> !e.getValue().running && !owned.test(e.getKey()));
    }

    /** Datasets waiting for completion or being completed. */
    public synchronized int pending() {
        return pending.size();
    }

    void tick() {
        Map<String, Boolean> due = new HashMap<>();
        synchronized (this) {
            Instant now = clock.instant();
            pending.forEach((dataset, p) -> {
                if (!p.running && (p.marker || !p.lastSeen.plus(quietPeriod).isAfter(now))) {
                    p.running = true;
                    due.put(dataset, p.marker);
                    p.marker = false;
                    p.startedGeneration = p.generation;
                }
            });
        }
        due.forEach((dataset, byMarker) -> worker.execute(() -> run(dataset, byMarker)));
    }

    private void run(String dataset, boolean byMarker) {
        boolean done = false;
        try {
            completion.complete(dataset, byMarker);
            done = true;
        } catch (Exception | LinkageError e) {
            log.warn("completing dataset {} failed, will retry after the quiet period: {}", LogSafe.text(dataset), LogSafe.text(e), e);
        }
        synchronized (this) {
            Pending p = pending.get(dataset);
            p.running = false;
            if (!done) {
                p.lastSeen = clock.instant();
            } else if (p.generation == p.startedGeneration) {
                pending.remove(dataset);
            }
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        worker.shutdownNow();
    }

    private static final class Pending {
        Instant lastSeen;
        boolean marker;
        boolean running;
        long generation;
        long startedGeneration;
    }
}
