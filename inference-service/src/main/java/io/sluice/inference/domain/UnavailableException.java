package io.sluice.inference.domain;

import java.time.Duration;

/**
 * The request cannot be served now: the version is not loaded yet or failed to load, its queue is
 * full, or the queue wait passed its bound (shed); the caller should retry after {@link #retryAfter()}.
 */
public class UnavailableException extends RuntimeException {

    /** Why a request was refused for capacity. */
    public enum Reason {
        /** The version is loading, failed to load, or is being unloaded. */
        NOT_READY("not-ready"),
        /** The version's queue holds as many inputs as it may. */
        QUEUE_FULL("queue-full"),
        /** The input would wait (or has waited) longer than the queue-wait bound. */
        SHED("shed");

        private final String kind;

        Reason(String kind) {
            this.kind = kind;
        }

        /** Short, stable name reported as the telemetry's error type. */
        public String kind() {
            return kind;
        }
    }

    private final Reason reason;
    private final Duration retryAfter;

    public UnavailableException(String message, Reason reason, Duration retryAfter) {
        // a capacity refusal is an answer, not a fault: no stack trace to fill, which costs most when overloaded
        super(message, null, false, false);
        this.reason = reason;
        this.retryAfter = retryAfter;
    }

    public Reason reason() {
        return reason;
    }

    /** True when back-pressure refused the request (queue full or shed), false when the model is not ready. */
    public boolean overloaded() {
        return reason != Reason.NOT_READY;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
