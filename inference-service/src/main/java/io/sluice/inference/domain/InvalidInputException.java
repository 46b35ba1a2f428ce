package io.sluice.inference.domain;

/** The caller's input cannot be turned into the model's input (bad image, wrong shape, not a number); a 4xx. */
public class InvalidInputException extends RuntimeException {

    public InvalidInputException(String message) {
        super(message);
    }
}
