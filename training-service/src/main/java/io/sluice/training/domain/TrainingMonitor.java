package io.sluice.training.domain;

import java.util.Map;

/** What a backend reports while it runs, and how it learns that it should stop. */
public interface TrainingMonitor {

    /**
     * The run is set up and about to train.
     *
     * @param parentVersion version warm-started from, or null
     */
    void started(String backend, String device, String architecture, Map<String, String> hyperParameters, String parentVersion);

    /** One epoch finished. */
    void epoch(EpochResult result, int maxEpochs, double samplesPerSecond, Double etaSeconds);

    /** True when the run should stop at the next batch (superseded, cancelled, or shutdown); backends throw {@link RunStoppedException}. */
    boolean stopRequested();

    /**
     * True when the run itself is to end (superseded or cancelled), as opposed to this service
     * shutting down: cloud backends then cancel the remote job; on shutdown they leave it running.
     */
    default boolean cancelRequested() {
        return stopRequested();
    }

    /** A cloud backend submitted the run as this job; it is journaled so a restart re-attaches to it. */
    default void submitted(String externalJobId) {}
}
