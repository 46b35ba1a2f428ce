package io.sluice.ingest.domain;

/**
 * One validation finding.
 *
 * @param rule     rule id, e.g. {@code corrupt-file}, {@code min-samples-per-class}
 * @param severity ERROR rejects the dataset, WARNING is reported with it
 * @param path     key relative to the dataset when the finding is about one file (or row), else null
 * @param message  what is wrong, for people
 */
public record Issue(String rule, Severity severity, String path, String message) {

    /** How much a finding matters. */
    public enum Severity { WARNING, ERROR }
}
