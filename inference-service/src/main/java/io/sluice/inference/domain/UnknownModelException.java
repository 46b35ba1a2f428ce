package io.sluice.inference.domain;

/** The routing table names no such model, or no such version of it; a 404. */
public class UnknownModelException extends RuntimeException {

    public UnknownModelException(String message) {
        super(message);
    }
}
