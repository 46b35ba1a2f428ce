package io.sluice.monitoring.domain;

/** What drifted. */
public enum DriftKind {
    /** The live inputs moved away from the training inputs. */
    INPUT,
    /** The live predicted-class mix moved away from the training class mix. */
    PREDICTION,
    /** Accuracy on feedback labels fell below the approval level. */
    ACCURACY
}
