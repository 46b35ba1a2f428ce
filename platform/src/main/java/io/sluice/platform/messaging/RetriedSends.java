package io.sluice.platform.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sluice.platform.events.DerivedState;
import io.sluice.platform.security.LogSafe;

/**
 * Sends that are retried until they succeed, never dropped: a decision is on the broker before the
 * state that follows it moves. A failed attempt (an exception, or {@code false}) is retried with backoff
 * (100 ms doubling to 5 s) on the calling thread. While any send is failing the state is not current,
 * so readiness ({@code derivedState}) is DOWN with the destination and the last failure; it is current
 * again once the send went through. A bounded send (an HTTP caller waiting) gives up after its timeout.
 */
public final class RetriedSends implements DerivedState {

    private static final Logger log = LoggerFactory.getLogger(RetriedSends.class);
    private static final long FIRST_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 5000;

    private final String name;
    private final Map<Object, String> failing = new ConcurrentHashMap<>();

    /** @param name name in health details */
    public RetriedSends(String name) {
        this.name = name;
    }

    /** Sends, retrying until {@code attempt} succeeds; only an interrupt (shutdown) ends it without success. */
    public void send(String destination, BooleanSupplier attempt) {
        send(destination, attempt, null);
    }

    /**
     * Sends, retrying until {@code attempt} succeeds or {@code timeout} has passed (then throws, nothing is sent by this call
     * any more).
     */
    public void send(String destination, BooleanSupplier attempt, Duration timeout) {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        long backoff = FIRST_BACKOFF_MS;
        Object id = new Object(); // this call, while it fails
        Instant since = null;
        try {
            while (true) {
                RuntimeException failure;
                try {
                    if (attempt.getAsBoolean()) {
                        if (since != null) {
                            log.info("{}: sent to {} after failing since {}", name, destination, since);
                        }
                        return;
                    }
                    failure = new IllegalStateException("the binding refused the message");
                } catch (RuntimeException e) {
                    failure = e;
                }
                if (since == null) {
                    since = Instant.now();
                }
                failing.put(id, "sending to " + destination + " has failed since " + since + ": " + failure);
                if (timeout != null && System.nanoTime() + backoff * 1_000_000 > deadline) {
                    throw new IllegalStateException("could not send to " + destination + " within " + timeout + ": " + failure, failure);
                }
                log.warn("{}: sending to {} failed ({}); retrying in {} ms", name, destination, LogSafe.text(failure.toString()), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while sending to " + destination, e);
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            }
        } finally {
            failing.remove(id);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Status status() {
        Map<String, Object> details = new LinkedHashMap<>();
        if (!failing.isEmpty()) {
            details.put("reason", String.join("; ", failing.values()));
        }
        return new Status(failing.isEmpty(), details);
    }
}
