package io.sluice.ingest.domain;

import java.util.List;
import java.util.Map;

import io.sluice.platform.datasets.DatasetManifest;

/**
 * A dataset as listed, hashed and validated at one moment.
 *
 * @param name        dataset name
 * @param version     hex SHA-256 of the sorted (path, size, sha256) list of its data files
 * @param layout      IMAGE_FOLDER, CSV, or UNKNOWN when it could not be told
 * @param rawUri      the dataset's prefix in the raw bucket
 * @param manifest    the validated manifest (null when the dataset is rejected)
 * @param issues      every finding, errors first
 * @param sampleCount samples that passed the per-sample checks
 * @param classCounts samples per class
 */
public record Assembly(String name, String version, Layout layout, String rawUri, DatasetManifest manifest,
                       List<Issue> issues, long sampleCount, Map<String, Long> classCounts) {

    /** How the dataset is laid out. */
    public enum Layout { IMAGE_FOLDER, CSV, UNKNOWN }

    public boolean rejected() {
        return manifest == null;
    }

    /** {@code name@version}: the correlation id of every event the dataset version causes. */
    public String correlationId() {
        return name + "@" + version;
    }

    public List<Issue> warnings() {
        return issues.stream().filter(i -> i.severity() == Issue.Severity.WARNING).toList();
    }
}
