package io.sluice.ingest.domain;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.storage.ObjectStore;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The training bucket's record of dataset versions: {@code datasets/<name>/<version>/} holds the
 * manifest (ready versions), the validation report (every version) and a {@code _PUBLISHED} marker:
 * created conditionally as the claim to publish (one replica wins), then marked sent once the event
 * is on Kafka. The marker is what makes "same content, no second event" survive restarts and replicas.
 */
public final class DatasetVersions {

    static final String PUBLISHED = "_PUBLISHED";
    static final String LISTING = "_LAST_PUBLISHED_LISTING";
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final ObjectStore store;
    private final URI trainingBucket;

    public DatasetVersions(ObjectStore store, URI trainingBucket) {
        if (!trainingBucket.toString().endsWith("/")) {
            throw new IllegalArgumentException("the training bucket URI must end with '/': " + trainingBucket);
        }
        this.store = store;
        this.trainingBucket = trainingBucket;
    }

    public URI versionPrefix(String name, String version) {
        return ObjectKeys.resolve(trainingBucket, RawBucket.DATASETS + RawBucket.requireDatasetName(name) + "/" + version + "/");
    }

    public URI manifestUri(String name, String version) {
        return ObjectKeys.resolve(versionPrefix(name, version), "manifest.json");
    }

    public URI reportUri(String name, String version) {
        return ObjectKeys.resolve(versionPrefix(name, version), "validation-report.json");
    }

    /** True when an event for this version was already published (by this or an earlier run, on any replica). */
    public boolean published(String name, String version) throws IOException {
        return marker(name, version).map(Marker::sent).orElse(false);
    }

    /** What claiming the publication of a version found. */
    public enum Claim {
        /** This caller publishes the version (it created the marker, or took over a claim whose holder died). */
        WON,
        /** The version was published already. */
        ALREADY_PUBLISHED,
        /** Another replica claimed it moments ago and is publishing it (or died doing so: look again later). */
        HELD
    }

    /**
     * Claims the right to publish a version: creates {@code _PUBLISHED} saying {@code CLAIMED} with
     * the conditional create of the object store, so of any number of replicas exactly one wins. A
     * claim older than {@code timeout} that never became {@code SENT} belongs to a replica that died
     * between claiming and publishing: one replica (again by a conditional create, of
     * {@code _PUBLISHED.takeover-<their claim>}) takes it over.
     */
    public Claim claim(Assembly assembly, String claimId, Instant now, Duration timeout) throws IOException {
        URI marker = publishedUri(assembly.name(), assembly.version());
        byte[] claimed = Marker.claimed(status(assembly), claimId, now).bytes();
        if (store.createIfAbsent(marker, claimed)) {
            return Claim.WON;
        }
        Optional<Marker> found = marker(assembly.name(), assembly.version());
        if (found.isEmpty()) {
            return Claim.HELD; // deleted by a holder whose publication failed: look again
        }
        Marker existing = found.get();
        if (existing.sent()) {
            return Claim.ALREADY_PUBLISHED;
        }
        if (existing.claimedAt().plus(timeout).isAfter(now)) {
            return Claim.HELD;
        }
        URI takeover = ObjectKeys.resolve(versionPrefix(assembly.name(), assembly.version()), PUBLISHED + ".takeover-" + existing.claimId());
        if (!store.createIfAbsent(takeover, claimId.getBytes(StandardCharsets.UTF_8))) {
            return Claim.HELD;
        }
        store.put(marker, claimed); // the claim is now this caller's, with a fresh time, should it die too
        return Claim.WON;
    }

    /** Gives a claim up after its publication failed, so that the next attempt (of any replica) can claim at once. */
    public void release(Assembly assembly, String claimId) throws IOException {
        URI marker = publishedUri(assembly.name(), assembly.version());
        Optional<Marker> found = marker(assembly.name(), assembly.version());
        if (found.isPresent() && !found.get().sent() && claimId.equals(found.get().claimId())) {
            store.delete(marker);
        }
    }

    private URI publishedUri(String name, String version) {
        return ObjectKeys.resolve(versionPrefix(name, version), PUBLISHED);
    }

    private Optional<Marker> marker(String name, String version) throws IOException {
        URI uri = publishedUri(name, version);
        try {
            return Optional.of(Marker.parse(new String(store.read(uri), StandardCharsets.UTF_8)));
        } catch (java.io.FileNotFoundException e) {
            return Optional.empty();
        }
    }

    private static String status(Assembly assembly) {
        return assembly.rejected() ? "REJECTED" : "READY";
    }

    /**
     * The content of {@code _PUBLISHED}: {@code SENT <status> <claim>} once the event is on Kafka,
     * {@code CLAIMED <status> <claim> <epoch millis>} while the claim holder publishes it. Markers of
     * earlier releases hold only the status and count as sent.
     */
    record Marker(boolean sent, String status, String claimId, Instant claimedAt) {

        static Marker claimed(String status, String claimId, Instant at) {
            return new Marker(false, status, claimId, at);
        }

        static Marker parse(String text) {
            String[] parts = text.trim().split(" ");
            if (parts[0].equals("CLAIMED") && parts.length == 4) {
                return new Marker(false, parts[1], parts[2], Instant.ofEpochMilli(Long.parseLong(parts[3])));
            }
            if (parts[0].equals("SENT") && parts.length == 3) {
                return new Marker(true, parts[1], parts[2], Instant.EPOCH);
            }
            return new Marker(true, parts[0], "", Instant.EPOCH);
        }

        byte[] bytes() {
            String text = sent ? "SENT " + status + " " + claimId : "CLAIMED " + status + " " + claimId + " " + claimedAt.toEpochMilli();
            return text.getBytes(StandardCharsets.UTF_8);
        }
    }

    public URI writeManifest(Assembly assembly) throws IOException {
        URI uri = manifestUri(assembly.name(), assembly.version());
        store.put(uri, assembly.manifest().toJson());
        return uri;
    }

    public URI writeReport(Assembly assembly) throws IOException {
        URI uri = reportUri(assembly.name(), assembly.version());
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("name", assembly.name());
        report.put("version", assembly.version());
        report.put("status", assembly.rejected() ? "REJECTED" : "READY");
        report.put("layout", assembly.layout().name());
        report.put("rawUri", assembly.rawUri());
        report.put("sampleCount", assembly.sampleCount());
        report.put("classCounts", assembly.classCounts());
        List<Map<String, Object>> issues = assembly.issues().stream().map(i -> {
            Map<String, Object> issue = new LinkedHashMap<>();
            issue.put("rule", i.rule());
            issue.put("severity", i.severity().name());
            issue.put("path", i.path());
            issue.put("message", i.message());
            return issue;
        }).toList();
        report.put("issues", issues);
        store.put(uri, JSON.writeValueAsBytes(report));
        return uri;
    }

    /** The fingerprint of the listing last found published (see {@link DatasetAssembler.Listing#fingerprint()}), or empty. */
    public java.util.Optional<String> lastListing(String name) throws IOException {
        URI uri = listingUri(name);
        if (store.stat(uri).isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new String(store.read(uri), java.nio.charset.StandardCharsets.UTF_8).trim());
    }

    /** Remembers that the dataset, listed as {@code fingerprint}, is a published version. */
    public void recordListing(String name, String fingerprint) throws IOException {
        store.put(listingUri(name), fingerprint.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private URI listingUri(String name) {
        return ObjectKeys.resolve(trainingBucket, RawBucket.DATASETS + RawBucket.requireDatasetName(name) + "/" + LISTING);
    }

    /** Records that the claimed version's event is on Kafka. */
    public void markPublished(Assembly assembly, String claimId) throws IOException {
        store.put(publishedUri(assembly.name(), assembly.version()), new Marker(true, status(assembly), claimId, Instant.EPOCH).bytes());
    }
}
