package io.sluice.local;

import java.time.Duration;

/**
 * When the supervisor restarts a process that exited on its own: after {@code first}, doubling
 * with each failure in a row up to {@code max}; the count starts again once the process has been
 * healthy for {@code healthyReset}; after {@code maxFailures} exits in a row without that, it gives up.
 *
 * @param first        delay before the first restart
 * @param max          longest delay
 * @param healthyReset how long a restarted process must stay healthy before its failures are forgotten
 * @param maxFailures  exits in a row (never healthy for {@code healthyReset} between them) before giving up
 */
record Backoff(Duration first, Duration max, Duration healthyReset, int maxFailures) {

    /** The local stack's: 1 s, 2 s, 4 s … 30 s; forgotten after 60 s healthy; given up after 8 exits in a row. */
    static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(60), 8);

    Backoff {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0 || maxFailures < 1) {
            throw new IllegalArgumentException("invalid backoff " + first + ".." + max + ", " + maxFailures + " failures");
        }
    }

    /** The delay before the restart that follows the given number of failures in a row (1 = the first). */
    Duration delay(int failures) {
        Duration delay = first;
        for (int i = 1; i < failures && delay.compareTo(max) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(max) > 0 ? max : delay;
    }
}
