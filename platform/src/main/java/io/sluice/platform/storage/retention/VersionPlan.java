package io.sluice.platform.storage.retention;

import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * What retention does with one model version in the models bucket.
 *
 * @param model      model name
 * @param version    version
 * @param newest     when the newest of its objects was written (its age counts from there)
 * @param bytes      bytes of all its objects
 * @param objects    its objects: the artifacts under {@code models/<model>/<version>/} and the evaluation files under
 *                   {@code evaluations/<model>/<version>/}
 * @param keptBecause why it stays (protected, younger than the retention, model unknown to the registry); empty when it goes
 */
public record VersionPlan(String model, String version, Instant newest, long bytes, List<URI> objects, List<String> keptBecause) {

    public VersionPlan {
        objects = List.copyOf(objects);
        keptBecause = List.copyOf(keptBecause);
    }

    /** Whether the version is deleted. */
    public boolean goes() {
        return keptBecause.isEmpty();
    }
}
