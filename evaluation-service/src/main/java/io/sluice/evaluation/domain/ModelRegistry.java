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
    public record Routing(long revision, String stable, String stableUri, String canary, List<Served> routes) {

        public Routing {
            routes = routes == null ? List.of() : List.copyOf(routes);
        }

        /** A table with only its stable and canary routes known. */
        public Routing(long revision, String stable, String stableUri, String canary) {
            this(revision, stable, stableUri, canary, List.of());
        }
    }

    /**
     * One route of the routing table: a version that serves.
     *
     * @param version version
     * @param role    stable, canary or shadow, lower case
     * @param weight  percent of the answering traffic (shadows 0: they get a copy of every request)
     */
    public record Served(String version, String role, int weight) {}

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

    /**
     * The versions of a model that must stay whatever their age, each with every reason, by version: every version the
     * routing table routes to (serving, any role and weight), the champion, each alias target ({@code challenger}), the
     * rollback target (the production version the champion replaced), and the lineage of each of these (the versions
     * it was trained from, parent by parent). The one "protected versions" query: a new kind of reference (an alias, a
     * block) adds its reasons here, and retention keeps what it names.
     */
    public synchronized Map<String, List<String>> protectedVersions(String modelName) {
        Map<String, List<String>> reasons = new TreeMap<>();
        Routing table = routing.get(modelName);
        if (table != null) {
            for (Served route : table.routes()) {
                add(reasons, route.version(), "serving: " + route.role() + ", weight " + route.weight());
            }
            if (table.routes().isEmpty()) { // a table seen before routes were recorded
                add(reasons, table.stable(), "serving: stable");
                add(reasons, table.canary(), "serving: canary");
            }
        }
        String champion = champion(modelName).orElse(null);
        add(reasons, champion, "champion");
        challenger(modelName).ifPresent(version -> add(reasons, version, "alias: challenger"));
        if (champion != null) {
            versions(modelName).stream().filter(v -> v.stage() == Stage.RETIRED && !v.history().isEmpty()
                            && ("replaced by " + champion).equals(v.history().get(v.history().size() - 1).reason()))
                    .forEach(v -> add(reasons, v.version(), "rollback target: production before " + champion));
        }
        for (String root : List.copyOf(reasons.keySet())) {
            java.util.Set<String> seen = new java.util.HashSet<>(List.of(root));
            String parent = get(modelName, root).map(ModelVersion::parentVersion).orElse(null);
            while (parent != null && seen.add(parent)) {
                add(reasons, parent, "lineage: ancestor of " + root);
                parent = get(modelName, parent).map(ModelVersion::parentVersion).orElse(null);
            }
        }
        return reasons;
    }

    private static void add(Map<String, List<String>> reasons, String version, String reason) {
        if (version != null) {
            List<String> list = reasons.computeIfAbsent(version, k -> new ArrayList<>());
            if (!list.contains(reason)) {
                list.add(reason);
            }
        }
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
