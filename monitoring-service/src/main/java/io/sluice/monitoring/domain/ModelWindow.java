package io.sluice.monitoring.domain;

import java.util.Collections;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The aggregates of every version of one model over one time range, each split by the routing
 * revision that served it (-1 when the telemetry did not say); mergeable. Not thread-safe.
 */
public final class ModelWindow {

    /** Requests of a version served under a routing revision (-1: unknown). */
    public record Slice(String version, long revision) {}

    private static final Comparator<Slice> ORDER = Comparator.comparing(Slice::version).thenComparingLong(Slice::revision);

    private final Map<Slice, VersionStats> slices = new TreeMap<>(ORDER);

    /** The aggregate of a version served under an unknown revision, created empty on first use. */
    public VersionStats version(String version) {
        return slice(version, -1);
    }

    /** The aggregate of a version served under a routing revision, created empty on first use. */
    public VersionStats slice(String version, long revision) {
        return slices.computeIfAbsent(new Slice(version, revision < 0 ? -1 : revision), s -> new VersionStats());
    }

    /** Every slice, read-only. */
    public Map<Slice, VersionStats> slices() {
        return Collections.unmodifiableMap(slices);
    }

    /** The aggregate of a version over every revision, a new object (empty when the version has none). */
    public VersionStats versionOrEmpty(String version) {
        VersionStats merged = new VersionStats();
        slices.forEach((slice, stats) -> {
            if (slice.version().equals(version)) {
                merged.merge(stats);
            }
        });
        return merged;
    }

    /**
     * The aggregate of a version over the requests served at routing revision {@code minRevision} or
     * later, and those whose revision is unknown (-1: older telemetry, judged by time alone); a new object.
     */
    public VersionStats versionSince(String version, long minRevision) {
        VersionStats merged = new VersionStats();
        slices.forEach((slice, stats) -> {
            if (slice.version().equals(version) && (slice.revision() < 0 || slice.revision() >= minRevision)) {
                merged.merge(stats);
            }
        });
        return merged;
    }

    /** Requests of a version (counted or left out for any reason) served under a known revision older than {@code minRevision}. */
    public long requestsBefore(String version, long minRevision) {
        long n = 0;
        for (Map.Entry<Slice, VersionStats> e : slices.entrySet()) {
            Slice slice = e.getKey();
            if (slice.version().equals(version) && slice.revision() >= 0 && slice.revision() < minRevision) {
                VersionStats s = e.getValue();
                n += s.requests() + s.clientErrors() + s.capacityRefusals();
            }
        }
        return n;
    }

    /** Version to aggregate over every revision, new objects. */
    public Map<String, VersionStats> versions() {
        Map<String, VersionStats> merged = new TreeMap<>();
        slices.forEach((slice, stats) -> merged.computeIfAbsent(slice.version(), v -> new VersionStats()).merge(stats));
        return merged;
    }

    /** Adds another window into this one. */
    public ModelWindow merge(ModelWindow other) {
        other.slices.forEach((s, stats) -> slice(s.version(), s.revision()).merge(stats));
        return this;
    }

    public boolean isEmpty() {
        return slices.isEmpty();
    }
}
