package io.sluice.monitoring.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Lets one retraining request per model through per cooldown period, so one incident does not start ten retrains. */
public final class RetrainingCooldown {

    private final Duration cooldown;
    private final ConcurrentMap<String, Instant> last = new ConcurrentHashMap<>();

    public RetrainingCooldown(Duration cooldown) {
        this.cooldown = cooldown;
    }

    /** True, and starts the cooldown, if no request for the model went out within the cooldown before {@code now}. */
    public boolean tryAcquire(String model, Instant now) {
        boolean[] granted = {false};
        last.compute(model, (m, previous) -> {
            if (previous == null || !now.isBefore(previous.plus(cooldown))) {
                granted[0] = true;
                return now;
            }
            return previous;
        });
        return granted[0];
    }

    /** Records a request seen on the topic (e.g. replayed after a restart), so the cooldown survives restarts. */
    public void observed(String model, Instant at) {
        last.merge(model, at, (a, b) -> a.isAfter(b) ? a : b);
    }
}
