package io.sluice.monitoring.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Lets one retraining request (or drift event) per key through per cooldown period, so one incident
 * does not start ten retrains. The cooldown starts when the request was sent ({@link #started}).
 */
public final class RetrainingCooldown {

    private final Duration cooldown;
    private final ConcurrentMap<String, Instant> last = new ConcurrentHashMap<>();

    public RetrainingCooldown(Duration cooldown) {
        this.cooldown = cooldown;
    }

    /** True if no request for the key went out within the cooldown before {@code now}. Nothing is recorded. */
    public boolean available(String key, Instant now) {
        Instant previous = last.get(key);
        return previous == null || !now.isBefore(previous.plus(cooldown));
    }

    /** Starts the cooldown of a key whose request the broker acknowledged. */
    public void started(String key, Instant at) {
        last.merge(key, at, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** Records a request seen on the topic (e.g. replayed after a restart), so the cooldown survives restarts. */
    public void observed(String model, Instant at) {
        last.merge(model, at, (a, b) -> a.isAfter(b) ? a : b);
    }
}
