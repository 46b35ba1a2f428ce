package io.sluice.training.domain;

/** A backend stopped because the run was superseded, cancelled, or the service is shutting down. */
public class RunStoppedException extends RuntimeException {

    public RunStoppedException(String message) {
        super(message);
    }
}
