package io.sluice.models;

import java.io.IOException;

/** A model card that is malformed JSON or describes a model that cannot be served; the message says what is wrong. */
public class InvalidModelCardException extends IOException {

    public InvalidModelCardException(String message) {
        super(message);
    }

    public InvalidModelCardException(String message, Throwable cause) {
        super(message, cause);
    }
}
