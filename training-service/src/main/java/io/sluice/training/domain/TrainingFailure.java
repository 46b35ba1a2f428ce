package io.sluice.training.domain;

/**
 * A run that cannot produce a model for a reason an engineer can act on (bad data, bad settings).
 *
 * @see TrainingBackend
 */
public class TrainingFailure extends Exception {

    private final boolean retryable;

    public TrainingFailure(String reason, boolean retryable, Throwable cause) {
        super(reason, cause);
        this.retryable = retryable;
    }

    /** Whether the same run could succeed if tried again (infrastructure), as opposed to needing a fix (data, settings). */
    public boolean retryable() {
        return retryable;
    }
}
