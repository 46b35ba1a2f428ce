package io.sluice.training.domain;

/** Where a run is; QUEUED and RUNNING runs are redone after a restart. */
public enum RunState {
    QUEUED, RUNNING, COMPLETED, FAILED, SUPERSEDED, CANCELLED;

    /** True for runs that have published their outcome. */
    public boolean finished() {
        return this != QUEUED && this != RUNNING;
    }
}
