package io.sluice.inference.domain;

import java.time.Duration;

/**
 * The request cannot be served now: the version is not loaded yet, failed to load, or its queue is
 * full; the caller should retry after {@link #retryAfter()}.
 */
public class UnavailableException extends RuntimeException {

    private final boolean overloaded;
    private final Duration retryAfter;

    public UnavailableException(String message, boolean overloaded, Duration retryAfter) {
        super(message);
        this.overloaded = overloaded;
        this.retryAfter = retryAfter;
    }

    /** True when a full queue refused the request (back-pressure), false when the model is not ready. */
    public boolean overloaded() {
        return overloaded;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
