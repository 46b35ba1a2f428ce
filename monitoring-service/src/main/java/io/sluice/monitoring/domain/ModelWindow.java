package io.sluice.monitoring.domain;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** The aggregates of every version of one model over one time range; mergeable. Not thread-safe. */
public final class ModelWindow {

    private final Map<String, VersionStats> versions = new TreeMap<>();

    /** The aggregate of a version, created empty on first use. */
    public VersionStats version(String version) {
        return versions.computeIfAbsent(version, v -> new VersionStats());
    }

    /** The aggregate of a version if it has one, else an empty one that is not kept. */
    public VersionStats versionOrEmpty(String version) {
        VersionStats stats = versions.get(version);
        return stats == null ? new VersionStats() : stats;
    }

    /** Version to aggregate, read-only. */
    public Map<String, VersionStats> versions() {
        return Collections.unmodifiableMap(versions);
    }

    /** Adds another window into this one. */
    public ModelWindow merge(ModelWindow other) {
        other.versions.forEach((v, stats) -> version(v).merge(stats));
        return this;
    }

    public boolean isEmpty() {
        return versions.isEmpty();
    }
}
