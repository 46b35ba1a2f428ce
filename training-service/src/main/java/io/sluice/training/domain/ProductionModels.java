package io.sluice.training.domain;

import java.util.Optional;

/** Which version of a model serves as stable in production (learned from the routing table). */
public interface ProductionModels {

    /**
     * A production version and where it lives.
     *
     * @param version  model version
     * @param modelUri prefix {@code models/<model>/<version>/} in the models bucket
     */
    record ProductionModel(String version, String modelUri) {}

    /** The stable version of a model, or empty when none serves. */
    Optional<ProductionModel> stable(String modelName);
}
