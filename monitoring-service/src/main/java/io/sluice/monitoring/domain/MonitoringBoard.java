package io.sluice.monitoring.domain;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** What operators see per model: the latest aggregates per version and the latest verdict. Thread-safe. */
public final class MonitoringBoard {

    /**
     * One model's picture.
     *
     * @param release      what the routing table said
     * @param from         start of the aggregated range
     * @param to           end of the aggregated range
     * @param versions     version to aggregate over that range
     * @param lastVerdict  latest canary verdict computed, null before the first
     * @param verdictAt    when it was computed, null before the first
     */
    public record Snapshot(Release release, Instant from, Instant to, Map<String, VersionStats> versions, Verdict lastVerdict,
                           Instant verdictAt) {}

    private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();

    /** Records the aggregates of a model, keeping its last verdict. */
    public void aggregates(Release release, Instant from, Instant to, ModelWindow window) {
        snapshots.compute(release.model(), (m, old) -> new Snapshot(release, from, to, Map.copyOf(window.versions()),
                old == null ? null : old.lastVerdict(), old == null ? null : old.verdictAt()));
    }

    /** Records a verdict of a model. */
    public void verdict(Release release, Verdict verdict, Instant at) {
        snapshots.compute(release.model(), (m, old) -> old == null
                ? new Snapshot(release, at, at, Map.of(), verdict, at)
                : new Snapshot(release, old.from(), old.to(), old.versions(), verdict, at));
    }

    public Optional<Snapshot> snapshot(String model) {
        return Optional.ofNullable(snapshots.get(model));
    }

    public Map<String, Snapshot> all() {
        return Map.copyOf(snapshots);
    }
}
