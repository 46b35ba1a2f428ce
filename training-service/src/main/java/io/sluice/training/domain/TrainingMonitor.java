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

    /** True when the run should stop at the next batch (superseded or cancelled); backends throw {@link RunStoppedException}. */
    boolean stopRequested();
}
