package io.sluice.training.domain;

import java.util.List;

/**
 * A finished run's model version.
 *
 * @param modelVersion  version written
 * @param modelUri      prefix {@code models/<model>/<version>/}
 * @param modelCardUri  the model card
 * @param artifactUris  every file of the version
 * @param architecture  network family
 * @param bestEpoch     1-based epoch kept
 * @param history       every epoch run, in order
 * @param parentVersion version warm-started from, or null
 * @param backend       local, vertex-ai or modelarts
 * @param device        where it trained
 */
public record TrainingOutcome(String modelVersion, String modelUri, String modelCardUri, List<String> artifactUris, String architecture,
                              int bestEpoch, List<EpochResult> history, String parentVersion, String backend, String device) {

    public EpochResult best() {
        return history.get(bestEpoch - 1);
    }
}
