package io.sluice.inference.domain;

/** Fetches, verifies and loads one version of a model (port; the DJL adapter implements it). */
public interface ModelLoader {

    /**
     * Loads the version a route names from its {@code modelUri} into the local cache, verifying every
     * file against the model card; may block for as long as the fetch and load take.
     *
     * @throws Exception with a message saying why when the version cannot be served (e.g. a checksum mismatch)
     */
    ServedModel load(String model, Route route) throws Exception;
}
