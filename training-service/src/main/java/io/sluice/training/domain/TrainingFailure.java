package io.sluice.training.domain;

/**
 * A run that cannot produce a model for a reason an engineer can act on (bad data, bad settings).
 *
 * @see TrainingBackend
 */
public class TrainingFailure extends Exception {

    private final boolean retryable;
    private final boolean timedOut;

    public TrainingFailure(String reason, boolean retryable, Throwable cause) {
        this(reason, retryable, false, cause);
    }

    /**
     * @param timedOut the run exceeded its time limit (TrainingFailed kind TIMED_OUT)
     */
    public TrainingFailure(String reason, boolean retryable, boolean timedOut, Throwable cause) {
        super(reason, cause);
        this.retryable = retryable;
        this.timedOut = timedOut;
    }

    public boolean timedOut() {
        return timedOut;
    }

    /** Whether the same run could succeed if tried again (infrastructure), as opposed to needing a fix (data, settings). */
    public boolean retryable() {
        return retryable;
    }
}
