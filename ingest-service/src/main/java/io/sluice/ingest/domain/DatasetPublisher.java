package io.sluice.ingest.domain;

import java.net.URI;

/** Where the outcome of a dataset version goes (Kafka in the service); a failure throws so the version is retried. */
public interface DatasetPublisher {

    /** The version passed validation; its manifest is at {@code manifestUri}. */
    void ready(Assembly assembly, URI manifestUri);

    /** The version failed validation; the full report is at {@code reportUri}. */
    void rejected(Assembly assembly, URI reportUri);
}
