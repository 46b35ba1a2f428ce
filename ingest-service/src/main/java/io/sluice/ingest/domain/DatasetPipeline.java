package io.sluice.ingest.domain;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.sluice.platform.security.LogSafe;

/**
 * Completes a dataset: assemble it from storage, and unless this exact content was published
 * before, claim the version (one replica wins), write its manifest and report to the training
 * bucket and publish the outcome once.
 */
public final class DatasetPipeline {

    private static final Logger log = LoggerFactory.getLogger(DatasetPipeline.class);

    /** What completing a dataset led to. */
    public enum Outcome { READY, REJECTED, ALREADY_PUBLISHED, AWAITING_MARKER }

    private final DatasetAssembler assembler;
    private final DatasetVersions versions;
    private final DatasetPublisher publisher;

    private final Clock clock;
    private final Duration claimTimeout;

    public DatasetPipeline(DatasetAssembler assembler, DatasetVersions versions, DatasetPublisher publisher) {
        this(assembler, versions, publisher, Clock.systemUTC(), Duration.ofMinutes(5));
    }

    /**
     * @param claimTimeout a claim to publish that is older than this and still not sent belongs to a
     *                     replica that died in between; another replica then takes it over
     */
    public DatasetPipeline(DatasetAssembler assembler, DatasetVersions versions, DatasetPublisher publisher, Clock clock,
                           Duration claimTimeout) {
        this.assembler = assembler;
        this.versions = versions;
        this.publisher = publisher;
        this.clock = clock;
        this.claimTimeout = claimTimeout;
    }

    /** Another replica claimed the version and has not published it yet; the dataset is looked at again later. */
    public static final class VersionClaimedException extends IllegalStateException {
        VersionClaimedException(String dataset, String version) {
            super("dataset " + dataset + " version " + version + " is being published by another replica; looking again later");
        }
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
            log.info("dataset {} has files newer than its completion marker: waiting for the upload's new marker", LogSafe.text(dataset));
            return Outcome.AWAITING_MARKER;
        }
        String fingerprint = listing.fingerprint();
        if (versions.lastListing(dataset).filter(fingerprint::equals).isPresent()) {
            log.info("dataset {} is unchanged since its last published version; nothing to do", LogSafe.text(dataset));
            return Outcome.ALREADY_PUBLISHED;
        }
        long listed = System.nanoTime();
        Assembly assembly = assembler.assemble(listing);
        long assembled = System.nanoTime();
        if (versions.published(assembly.name(), assembly.version())) {
            log.info("dataset {} version {} was already published; nothing to do", LogSafe.text(dataset), assembly.version());
            versions.recordListing(dataset, fingerprint);
            return Outcome.ALREADY_PUBLISHED;
        }
        String claimId = UUID.randomUUID().toString();
        switch (versions.claim(assembly, claimId, clock.instant(), claimTimeout)) {
            case WON -> { }
            case ALREADY_PUBLISHED -> {
                log.info("dataset {} version {} was published by another replica; nothing to do", LogSafe.text(dataset), assembly.version());
                versions.recordListing(dataset, fingerprint);
                return Outcome.ALREADY_PUBLISHED;
            }
            case HELD -> throw new VersionClaimedException(dataset, assembly.version());
        }
        Outcome outcome;
        try {
            URI report = versions.writeReport(assembly);
            if (assembly.rejected()) {
                publisher.rejected(assembly, report);
                outcome = Outcome.REJECTED;
            } else {
                URI manifest = versions.writeManifest(assembly);
                publisher.ready(assembly, manifest);
                outcome = Outcome.READY;
            }
        } catch (IOException | RuntimeException e) {
            versions.release(assembly, claimId); // the next attempt, here or on another replica, claims at once
            throw e;
        }
        versions.markPublished(assembly, claimId);
        versions.recordListing(dataset, fingerprint);
        long done = System.nanoTime();
        log.info("dataset {} version {}: {} ({} samples, {} issue(s), {} ms: listing {} ms, reading and checking {} ms, "
                        + "writing and publishing {} ms)", LogSafe.text(dataset), assembly.version(), outcome, assembly.sampleCount(),
                assembly.issues().size(), millis(started, done), millis(started, listed), millis(listed, assembled),
                millis(assembled, done));
        return outcome;
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }
}
