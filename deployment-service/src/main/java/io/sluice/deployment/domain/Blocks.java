package io.sluice.deployment.domain;

import java.util.Optional;

/** Versions an operator blocked in the model registry: they are never released. */
@FunctionalInterface
public interface Blocks {

    /** Nothing is blocked. */
    Blocks NONE = (model, version) -> Optional.empty();

    /** Who blocked the version and why ({@code by <actor>: <reason>}), or empty when it may be released. */
    Optional<String> blocked(String model, String version);
}
