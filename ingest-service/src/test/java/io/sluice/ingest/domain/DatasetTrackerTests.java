package io.sluice.ingest.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Completion on a marker at once, otherwise after the quiet period; never two runs of one dataset at a time. */
class DatasetTrackerTests {

    final List<String> completed = new CopyOnWriteArrayList<>();
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    DatasetTracker tracker;
    static final String PROBE = "probe";
    final AtomicInteger probes = new AtomicInteger();
    volatile int pendingBesideProbe = -1;

    @AfterEach
    void close() {
        tracker.close();
    }

    @Test
    void completesAtOnceWhenTheMarkerArrives() throws Exception {
        tracker = new DatasetTracker(Duration.ofHours(1), clock, probing((d, byMarker) -> completed.add(d + (byMarker ? "" : " (quiet)"))),
                Duration.ofMillis(20));
        tracker.objectStored("asl", false);
        settle();
        assertThat(completed).isEmpty();
        assertThat(pendingBesideProbe).as("asl still waits").isEqualTo(1);

        tracker.objectStored("asl", true);

        await(() -> completed.size() == 1);
        assertThat(completed).containsExactly("asl");
        await(() -> tracker.pending() == 0);
    }

    @Test
    void completesAfterTheQuietPeriodWithoutAMarker() throws Exception {
        tracker = new DatasetTracker(Duration.ofSeconds(30), clock, probing((d, byMarker) -> completed.add(d + (byMarker ? "" : " (quiet)"))),
                Duration.ofMillis(20));
        tracker.objectStored("csv", false);
        now.set(now.get().plusSeconds(20));
        tracker.objectStored("csv", false); // still uploading: the quiet period starts again
        now.set(now.get().plusSeconds(20));
        settle();
        assertThat(completed).isEmpty();

        now.set(now.get().plusSeconds(11));

        await(() -> completed.size() == 1);
        assertThat(completed).containsExactly("csv (quiet)");
    }

    @Test
    void looksAgainOnceWhenObjectsArriveDuringACompletion() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        tracker = new DatasetTracker(Duration.ofHours(1), clock, probing((dataset, byMarker) -> {
            completed.add(dataset);
            if (completed.size() == 1) {
                release.await(5, TimeUnit.SECONDS);
            }
        }), Duration.ofMillis(20));
        tracker.objectStored("dup", true);
        await(() -> completed.size() == 1);

        for (int i = 0; i < 10; i++) {
            tracker.objectStored("dup", true); // duplicates while the first run is busy
        }
        tracker.tick(); // the worker is held by the first run: a tick may start nothing beside it
        assertThat(completed).hasSize(1);
        release.countDown();

        await(() -> completed.size() == 2);
        settle();
        assertThat(completed).containsExactly("dup", "dup");
        assertThat(pendingBesideProbe).as("the second run saw every duplicate: dup is forgotten").isZero();
    }

    @Test
    void retriesAfterAFailedCompletion() throws Exception {
        tracker = new DatasetTracker(Duration.ofSeconds(30), clock, probing((dataset, byMarker) -> {
            completed.add(dataset);
            if (completed.size() == 1) {
                throw new java.io.IOException("storage unavailable");
            }
        }), Duration.ofMillis(20));
        tracker.objectStored("x", true);
        await(() -> completed.size() == 1);
        settle();
        assertThat(completed).as("no retry inside the quiet period").containsExactly("x");
        assertThat(pendingBesideProbe).as("x is kept for a retry").isEqualTo(1);

        now.set(now.get().plusSeconds(31));

        await(() -> completed.size() == 2);
        await(() -> tracker.pending() == 0);
    }

    /** Passes every completion but the probe's on; the probe's records how many other datasets are pending meanwhile. */
    private DatasetTracker.Completion probing(DatasetTracker.Completion completion) {
        return (dataset, byMarker) -> {
            if (dataset.equals(PROBE)) {
                pendingBesideProbe = tracker.pending() - 1;
                probes.incrementAndGet();
            } else {
                completion.complete(dataset, byMarker);
            }
        };
    }

    /**
     * Ticks at the clock's current time, then completes a probe dataset by its marker and waits for that: the one worker
     * runs completions in the order they were started, so whatever that tick or an earlier one started has finished
     * (instead of sleeping and hoping a wrong completion would have happened by then).
     */
    private void settle() throws InterruptedException {
        int before = probes.get();
        tracker.tick();
        tracker.objectStored(PROBE, true);
        await(() -> probes.get() > before);
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met in time").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
