package io.sluice.events.codec;

/**
 * Bytes that are not a Sluice event this reader can decode. {@link #reason()} is a stable
 * machine-readable code; the message is for the operator reading the dead-letter record.
 */
public class EventDecodingException extends RuntimeException {

    /** Why decoding failed. */
    public enum Reason { EMPTY, UNKNOWN_FORMAT, UNKNOWN_SCHEMA, NO_REGISTRY, REGISTRY_UNAVAILABLE, CORRUPT_BODY, UNEXPECTED_TYPE }

    private final Reason reason;

    public EventDecodingException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
