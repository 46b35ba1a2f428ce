package io.sluice.ingest.domain;

import java.io.IOException;
import java.net.URI;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes a dataset: assemble it from storage, and unless this exact content was published
 * before, write its manifest and report to the training bucket and publish the outcome once.
 */
public final class DatasetPipeline {

    private static final Logger log = LoggerFactory.getLogger(DatasetPipeline.class);

    /** What completing a dataset led to. */
    public enum Outcome { READY, REJECTED, ALREADY_PUBLISHED }

    private final DatasetAssembler assembler;
    private final DatasetVersions versions;
    private final DatasetPublisher publisher;

    public DatasetPipeline(DatasetAssembler assembler, DatasetVersions versions, DatasetPublisher publisher) {
        this.assembler = assembler;
        this.versions = versions;
        this.publisher = publisher;
    }

    /** Runs one dataset; throws when storage or the publisher fails, so the caller can retry. */
    public Outcome complete(String dataset) throws IOException {
        long started = System.nanoTime();
        Assembly assembly = assembler.assemble(dataset);
        if (versions.published(assembly.name(), assembly.version())) {
            log.info("dataset {} version {} was already published; nothing to do", dataset, assembly.version());
            return Outcome.ALREADY_PUBLISHED;
        }
        URI report = versions.writeReport(assembly);
        Outcome outcome;
        if (assembly.rejected()) {
            publisher.rejected(assembly, report);
            outcome = Outcome.REJECTED;
        } else {
            URI manifest = versions.writeManifest(assembly);
            publisher.ready(assembly, manifest);
            outcome = Outcome.READY;
        }
        versions.markPublished(assembly);
        log.info("dataset {} version {}: {} ({} samples, {} issue(s), {} ms)", dataset, assembly.version(), outcome,
                assembly.sampleCount(), assembly.issues().size(), (System.nanoTime() - started) / 1_000_000);
        return outcome;
    }
}
