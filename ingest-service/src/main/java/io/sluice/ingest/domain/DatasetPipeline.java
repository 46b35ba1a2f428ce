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
    public enum Outcome { READY, REJECTED, ALREADY_PUBLISHED, AWAITING_MARKER }

    private final DatasetAssembler assembler;
    private final DatasetVersions versions;
    private final DatasetPublisher publisher;

    public DatasetPipeline(DatasetAssembler assembler, DatasetVersions versions, DatasetPublisher publisher) {
        this.assembler = assembler;
        this.versions = versions;
        this.publisher = publisher;
    }

    /** Runs one dataset because its completion marker arrived; throws when storage or the publisher fails. */
    public Outcome complete(String dataset) throws IOException {
        return complete(dataset, true);
    }

    /**
     * Runs one dataset; throws when storage or the publisher fails, so the caller can retry.
     *
     * @param byMarker false when the quiet period ran out: then a dataset whose completion marker is
     *                 older than some of its files is being re-uploaded, and waits for its new marker
     *                 rather than publishing half an upload
     */
    public Outcome complete(String dataset, boolean byMarker) throws IOException {
        long started = System.nanoTime();
        DatasetAssembler.Listing listing = assembler.list(dataset);
        if (!byMarker && listing.markerIsStale()) {
            log.info("dataset {} has files newer than its completion marker: waiting for the upload's new marker", dataset);
            return Outcome.AWAITING_MARKER;
        }
        String fingerprint = listing.fingerprint();
        if (versions.lastListing(dataset).filter(fingerprint::equals).isPresent()) {
            log.info("dataset {} is unchanged since its last published version; nothing to do", dataset);
            return Outcome.ALREADY_PUBLISHED;
        }
        long listed = System.nanoTime();
        Assembly assembly = assembler.assemble(listing);
        long assembled = System.nanoTime();
        if (versions.published(assembly.name(), assembly.version())) {
            log.info("dataset {} version {} was already published; nothing to do", dataset, assembly.version());
            versions.recordListing(dataset, fingerprint);
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
        versions.recordListing(dataset, fingerprint);
        long done = System.nanoTime();
        log.info("dataset {} version {}: {} ({} samples, {} issue(s), {} ms: listing {} ms, reading and checking {} ms, "
                        + "writing and publishing {} ms)", dataset, assembly.version(), outcome, assembly.sampleCount(),
                assembly.issues().size(), millis(started, done), millis(started, listed), millis(listed, assembled),
                millis(assembled, done));
        return outcome;
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }
}
