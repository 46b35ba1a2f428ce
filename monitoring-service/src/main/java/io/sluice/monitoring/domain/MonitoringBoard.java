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

    /**
     * The latest check of a production version against its predecessor after a promotion.
     *
     * @param version     the production version
     * @param predecessor the version it replaced
     * @param promotedAt  when it became production
     * @param verdict     the verdict of the check
     * @param at          when it was computed
     */
    public record ProductionCheck(String version, String predecessor, Instant promotedAt, Verdict verdict, Instant at) {}

    private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();
    private final Map<String, ProductionCheck> productionChecks = new ConcurrentHashMap<>();

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

    /** Records the verdict of a production check of a model. */
    public void production(String model, ProductionCheck check) {
        productionChecks.put(model, check);
    }

    /** The latest production check of a model, if one ran. */
    public Optional<ProductionCheck> production(String model) {
        return Optional.ofNullable(productionChecks.get(model));
    }

    public Optional<Snapshot> snapshot(String model) {
        return Optional.ofNullable(snapshots.get(model));
    }

    public Map<String, Snapshot> all() {
        return Map.copyOf(snapshots);
    }
}
