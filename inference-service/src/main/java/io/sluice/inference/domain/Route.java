package io.sluice.inference.domain;

import java.util.Objects;

/**
 * One version in a model's routing table.
 *
 * @param version  model version (a safe path segment)
 * @param role     stable, canary or shadow
 * @param weight   percent of the answering traffic (0..100); shadows have 0 and get a copy of every request
 * @param modelUri prefix of the version in the models bucket
 */
public record Route(String version, Role role, int weight, String modelUri) {

    public Route {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(modelUri, "modelUri");
        if (weight < 0 || weight > 100) {
            throw new IllegalArgumentException("weight must be 0..100, got " + weight);
        }
    }
}
