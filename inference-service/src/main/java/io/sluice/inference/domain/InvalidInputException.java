package io.sluice.inference.domain;

/** The caller's input cannot be turned into the model's input (bad image, wrong shape, not a number); a 4xx. */
public class InvalidInputException extends RuntimeException {

    /** Kind of a malformed input that fits no other kind. */
    public static final String INVALID = "invalid-input";
    /** Kind of a NaN or infinite value, or one that overflows to infinity when normalised. */
    public static final String NON_FINITE = "non-finite";
    /** Kind of a value far outside the range the model was trained on. */
    public static final String OUT_OF_RANGE = "out-of-range";

    private final String kind;

    public InvalidInputException(String message) {
        this(INVALID, message);
    }

    /**
     * @param kind short, stable name of what was wrong, reported as the telemetry's error type
     */
    public InvalidInputException(String kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** Short, stable name of what was wrong ({@value #INVALID}, {@value #NON_FINITE}, {@value #OUT_OF_RANGE}, ...). */
    public String kind() {
        return kind;
    }
}
