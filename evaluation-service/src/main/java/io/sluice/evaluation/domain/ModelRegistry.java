package io.sluice.evaluation.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The registry projection: every version of every model with lineage, decision and lifecycle
 * stage, built by applying the facts of training, evaluation and deployment in any order and any
 * number of times (a replay or a redelivery yields the same state). Thread-safe.
 */
public final class ModelRegistry {

    /**
     * A route of the routing table this registry last saw for a model.
     *
     * @param revision the routing table's revision
     * @param stable   version serving as stable, or null
     * @param stableUri its model URI, or null
     * @param canary   version serving as canary, or null
     */
    public record Routing(long revision, String stable, String stableUri, String canary) {}

    private final Map<String, Map<String, ModelVersion>> models = new TreeMap<>();
    private final Map<String, Routing> routing = new TreeMap<>();

    /** Lineage of a trained version. */
    public record Trained(String modelName, String version, String runId, String datasetName, String datasetVersion,
                          String parentVersion, String modelUri, Instant at) {}

    /** A version finished training: it becomes a candidate unless a later stage is already known. */
    public synchronized void trained(Trained t) {
        ModelVersion current = models.computeIfAbsent(t.modelName(), k -> new TreeMap<>()).get(t.version());
        if (current == null) {
            put(new ModelVersion(t.modelName(), t.version(), Stage.CANDIDATE, t.runId(), t.datasetName(), t.datasetVersion(),
                    t.parentVersion(), t.modelUri(), t.at(), null, List.of(new ModelVersion.StageChange(Stage.CANDIDATE, t.at(), "trained"))));
        } else {
            put(new ModelVersion(current.modelName(), current.version(), current.stage(), t.runId(), t.datasetName(), t.datasetVersion(),
                    t.parentVersion(), t.modelUri(), t.at(), current.decision(), current.history()));
        }
    }

    /** The evaluation decided; the stage moves to approved or rejected only from candidate (never back from canary or later). */
    public synchronized void decided(String modelName, String version, Trained lineage, ModelVersion.Decision decision) {
        ModelVersion current = get(modelName, version).orElse(null);
        if (current == null || current.runId() == null) {
            trained(lineage);
            current = get(modelName, version).orElseThrow();
        }
        ModelVersion withDecision = new ModelVersion(current.modelName(), current.version(), current.stage(), current.runId(),
                current.datasetName(), current.datasetVersion(), current.parentVersion(), current.modelUri(), current.trainedAt(),
                decision, current.history());
        put(withDecision);
        if (current.stage() == Stage.CANDIDATE) {
            move(modelName, version, decision.approved() ? Stage.APPROVED : Stage.REJECTED, decision.decidedAt(),
                    decision.approved() ? "passed every gate" : String.join("; ", decision.reasons()));
        }
    }

    /** A release started: the version serves as canary. */
    public synchronized void canaryStarted(String modelName, String version, String modelUri, Instant at) {
        ensure(modelName, version, modelUri, at);
        move(modelName, version, Stage.CANARY, at, "canary started");
    }

    /** The version became production; the one it replaced (and any other production version) is retired. */
    public synchronized void promoted(String modelName, String version, Instant at, String reason) {
        ensure(modelName, version, null, at);
        for (ModelVersion other : versions(modelName)) {
            if (!other.version().equals(version) && other.stage() == Stage.PRODUCTION) {
                move(modelName, other.version(), Stage.RETIRED, at, "replaced by " + version);
            }
        }
        move(modelName, version, Stage.PRODUCTION, at, reason == null ? "promoted" : reason);
    }

    /** The version was taken out of traffic; a restored version is production again. */
    public synchronized void rolledBack(String modelName, String version, String restoredVersion, Instant at, String reason) {
        ensure(modelName, version, null, at);
        move(modelName, version, Stage.ROLLED_BACK, at, reason == null ? "rolled back" : reason);
        if (restoredVersion != null && !restoredVersion.equals(version)) {
            ensure(modelName, restoredVersion, null, at);
            move(modelName, restoredVersion, Stage.PRODUCTION, at, "restored by the rollback of " + version);
        }
    }

    /** The routing table of a model changed; older revisions than the one held are ignored. */
    public synchronized void routed(String modelName, Routing table) {
        Routing current = routing.get(modelName);
        if (current == null || table.revision() >= current.revision()) {
            routing.put(modelName, table);
        }
    }

    /** Model names, sorted. */
    public synchronized List<String> modelNames() {
        java.util.SortedSet<String> names = new java.util.TreeSet<>(models.keySet());
        names.addAll(routing.keySet());
        return List.copyOf(names);
    }

    /** Every version of a model, sorted by training time (unknown times last), then version. */
    public synchronized List<ModelVersion> versions(String modelName) {
        List<ModelVersion> list = new ArrayList<>(models.getOrDefault(modelName, Map.of()).values());
        list.sort(java.util.Comparator.comparing(ModelVersion::trainedAt, java.util.Comparator.nullsLast(java.util.Comparator.naturalOrder()))
                .thenComparing(ModelVersion::version));
        return list;
    }

    /** One version. */
    public synchronized Optional<ModelVersion> get(String modelName, String version) {
        return Optional.ofNullable(models.getOrDefault(modelName, Map.of()).get(version));
    }

    /** The routing table last seen for a model. */
    public synchronized Optional<Routing> routing(String modelName) {
        return Optional.ofNullable(routing.get(modelName));
    }

    /** The production version: the routing table's stable route when one was seen, else the version in stage production. */
    public synchronized Optional<String> champion(String modelName) {
        Routing table = routing.get(modelName);
        if (table != null) {
            return Optional.ofNullable(table.stable());
        }
        return versions(modelName).stream().filter(v -> v.stage() == Stage.PRODUCTION).map(ModelVersion::version).reduce((a, b) -> b);
    }

    /** The canary version: the routing table's canary route when one was seen, else the version in stage canary. */
    public synchronized Optional<String> challenger(String modelName) {
        Routing table = routing.get(modelName);
        if (table != null) {
            return Optional.ofNullable(table.canary());
        }
        return versions(modelName).stream().filter(v -> v.stage() == Stage.CANARY).map(ModelVersion::version).reduce((a, b) -> b);
    }

    /** Resolves {@code champion}, {@code challenger} or a plain version. */
    public synchronized Optional<ModelVersion> resolve(String modelName, String versionOrAlias) {
        String version = switch (versionOrAlias) {
            case "champion" -> champion(modelName).orElse(null);
            case "challenger" -> challenger(modelName).orElse(null);
            default -> versionOrAlias;
        };
        return version == null ? Optional.empty() : get(modelName, version);
    }

    private void ensure(String modelName, String version, String modelUri, Instant at) {
        if (get(modelName, version).isEmpty()) {
            put(new ModelVersion(modelName, version, Stage.CANDIDATE, null, null, null, null, modelUri, null, null, List.of()));
        }
    }

    private void move(String modelName, String version, Stage stage, Instant at, String reason) {
        ModelVersion current = get(modelName, version).orElseThrow();
        if (current.stage() == stage && !current.history().isEmpty()) {
            return;
        }
        List<ModelVersion.StageChange> history = new ArrayList<>(current.history());
        history.add(new ModelVersion.StageChange(stage, at, reason));
        put(new ModelVersion(current.modelName(), current.version(), stage, current.runId(), current.datasetName(), current.datasetVersion(),
                current.parentVersion(), current.modelUri(), current.trainedAt(), current.decision(), List.copyOf(history)));
    }

    private void put(ModelVersion version) {
        models.computeIfAbsent(version.modelName(), k -> new TreeMap<>()).put(version.version(), version);
    }
}
