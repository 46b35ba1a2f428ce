package io.sluice.ingest.domain;

import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.storage.ObjectStore;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The training bucket's record of dataset versions: {@code datasets/<name>/<version>/} holds the
 * manifest (ready versions), the validation report (every version) and a {@code _PUBLISHED} marker
 * written once the event is on Kafka. The marker is what makes "same content, no second event"
 * survive a restart.
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

    /** True when an event for this version was already published (by this or an earlier run). */
    public boolean published(String name, String version) throws IOException {
        return store.stat(ObjectKeys.resolve(versionPrefix(name, version), PUBLISHED)).isPresent();
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

    public void markPublished(Assembly assembly) throws IOException {
        store.put(ObjectKeys.resolve(versionPrefix(assembly.name(), assembly.version()), PUBLISHED),
                (assembly.rejected() ? "REJECTED" : "READY").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
