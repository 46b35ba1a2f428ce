package io.sluice.inference.domain;

/**
 * A request holds more inputs than a version's queue can ever take at once; retrying cannot help, the
 * caller must split it (413, the caller's fault, never a retryable 503).
 */
public class TooLargeException extends InvalidInputException {

    /** Kind reported as the telemetry's error type. */
    public static final String OVERSIZED = "oversized";

    public TooLargeException(String message) {
        super(OVERSIZED, message);
    }
}
