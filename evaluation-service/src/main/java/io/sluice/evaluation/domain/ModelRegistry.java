package io.sluice.evaluation.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The registry projection: every version of every model with lineage, decision and lifecycle
 * stage, built by applying the facts of training, evaluation and deployment in any order and any
 * number of times (a replay or a redelivery yields the same state), plus what operators set: aliases
 * ({@code champion} pinned, custom ones), blocks and notes, each audited. A model's whole state can be exported and
 * restored ({@link ModelState}); deployment events and commands are folded once per event id, so replaying the
 * topics over a restored state changes nothing. Thread-safe.
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
    private final Map<String, Map<String, ModelState.Alias>> aliases = new TreeMap<>();
    private final Map<String, List<RegistryCommand.Audited>> audit = new TreeMap<>();
    private final Map<String, Set<String>> applied = new TreeMap<>();

    /** Lineage of a trained version. */
    public record Trained(String modelName, String version, String runId, String datasetName, String datasetVersion,
                          String parentVersion, String modelUri, Instant at) {}

    /** A version finished training: it becomes a candidate unless a later stage is already known. */
    public synchronized void trained(Trained t) {
        ModelVersion current = models.computeIfAbsent(t.modelName(), k -> new TreeMap<>()).get(t.version());
        if (current == null) {
            put(ModelVersion.unknown(t.modelName(), t.version(), t.modelUri()).withLineage(t)
                    .withStage(Stage.CANDIDATE, List.of(new ModelVersion.StageChange(Stage.CANDIDATE, t.at(), "trained"))));
        } else {
            put(current.withLineage(t));
        }
    }

    /** The evaluation decided; the stage moves to approved or rejected only from candidate (never back from canary or later). */
    public synchronized void decided(String modelName, String version, Trained lineage, ModelVersion.Decision decision) {
        ModelVersion current = get(modelName, version).orElse(null);
        if (current == null || current.runId() == null) {
            trained(lineage);
            current = get(modelName, version).orElseThrow();
        }
        put(current.withDecision(decision));
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

    /**
     * Folds a deployment event once: the change runs unless the event id was folded before (a replay over a restored state).
     * Returns whether it ran.
     */
    public synchronized boolean once(String modelName, String eventId, Runnable change) {
        if (eventId != null && applied.getOrDefault(modelName, Set.of()).contains(eventId)) {
            return false;
        }
        change.run();
        if (eventId != null) {
            applied.computeIfAbsent(modelName, k -> new LinkedHashSet<>()).add(eventId);
        }
        return true;
    }

    /**
     * Folds an operator's command in topic order: applies it when it applies now, else records it as refused; either way it
     * is audited once (a command folded before changes nothing). Returns the audit entry.
     */
    public synchronized RegistryCommand.Audited command(RegistryCommand c) {
        for (RegistryCommand.Audited done : audit.getOrDefault(c.modelName(), List.of())) {
            if (done.command().id().equals(c.id())) {
                return done;
            }
        }
        RegistryCommand.Audited outcome = fold(c);
        audit.computeIfAbsent(c.modelName(), k -> new ArrayList<>()).add(outcome);
        applied.computeIfAbsent(c.modelName(), k -> new LinkedHashSet<>()).add(c.id());
        return outcome;
    }

    /** What a command would do now, without doing it: the HTTP API answers 409 with the note when it would be refused. */
    public synchronized Optional<String> refusal(RegistryCommand c) {
        return refused(c);
    }

    private Optional<String> refused(RegistryCommand c) {
        ModelVersion target = c.version() == null ? null : get(c.modelName(), c.version()).orElse(null);
        Map<String, ModelState.Alias> set = aliases.getOrDefault(c.modelName(), Map.of());
        return Optional.ofNullable(switch (c.action()) {
            case SET_ALIAS -> c.alias() == null || c.version() == null ? "an alias and a version are needed"
                    : RegistryCommand.derivedAlias(c.alias()) ? "'" + c.alias() + "' is derived by the registry and cannot be set"
                    : target != null && target.blocked() != null ? c.version() + " is blocked: " + target.blocked().reason()
                    : set.containsKey(c.alias()) && set.get(c.alias()).version().equals(c.version())
                            ? c.alias() + " already points at " + c.version() : null;
            case REMOVE_ALIAS -> set.containsKey(c.alias()) ? null : "no alias '" + c.alias() + "' is set";
            case BLOCK -> c.version() == null ? "a version is needed"
                    : target != null && target.blocked() != null ? c.version() + " is already blocked" : null;
            case UNBLOCK -> target == null || target.blocked() == null ? c.version() + " is not blocked" : null;
            case ANNOTATE -> c.version() == null ? "a version is needed" : null;
            case UNKNOWN -> "unknown registry action";
        });
    }

    private RegistryCommand.Audited fold(RegistryCommand c) {
        Optional<String> refusal = refused(c);
        if (refusal.isPresent()) {
            return new RegistryCommand.Audited(c, false, refusal.get());
        }
        Mark mark = new Mark(c.actor(), c.at(), c.reason(), c.id());
        Map<String, ModelState.Alias> set = aliases.computeIfAbsent(c.modelName(), k -> new TreeMap<>());
        String note = switch (c.action()) {
            case SET_ALIAS -> {
                ModelState.Alias before = set.put(c.alias(), new ModelState.Alias(c.version(), mark));
                yield before == null ? c.alias() + " → " + c.version() : c.alias() + " moved from " + before.version() + " to " + c.version();
            }
            case REMOVE_ALIAS -> "removed " + c.alias() + " (was " + set.remove(c.alias()).version() + ")";
            case BLOCK -> {
                ensure(c.modelName(), c.version(), null, c.at());
                ModelVersion v = get(c.modelName(), c.version()).orElseThrow();
                put(v.withMarks(mark, v.notes()));
                List<String> dropped = set.entrySet().stream().filter(e -> e.getValue().version().equals(c.version()))
                        .map(Map.Entry::getKey).toList();
                dropped.forEach(set::remove);
                yield "blocked " + c.version() + (dropped.isEmpty() ? "" : "; removed alias(es) " + String.join(", ", dropped));
            }
            case UNBLOCK -> {
                ModelVersion v = get(c.modelName(), c.version()).orElseThrow();
                put(v.withMarks(null, v.notes()));
                yield "unblocked " + c.version();
            }
            case ANNOTATE -> {
                ensure(c.modelName(), c.version(), null, c.at());
                ModelVersion v = get(c.modelName(), c.version()).orElseThrow();
                List<Mark> notes = new ArrayList<>(v.notes());
                notes.add(mark);
                put(v.withMarks(v.blocked(), notes));
                yield "annotated " + c.version();
            }
            case UNKNOWN -> throw new IllegalStateException("refused above");
        };
        return new RegistryCommand.Audited(c, true, note);
    }

    /** Whether a version is blocked (never to be deployed); empty when it is not. */
    public synchronized Optional<Mark> blocked(String modelName, String version) {
        return get(modelName, version).map(ModelVersion::blocked);
    }

    /** Aliases operators set on a model, by name. */
    public synchronized Map<String, ModelState.Alias> aliases(String modelName) {
        return Map.copyOf(aliases.getOrDefault(modelName, Map.of()));
    }

    /** Every registry command folded for a model, applied or refused, oldest first. */
    public synchronized List<RegistryCommand.Audited> audit(String modelName) {
        return List.copyOf(audit.getOrDefault(modelName, List.of()));
    }

    /** A model's whole state, to write to the compacted registry topic. */
    public synchronized ModelState export(String modelName) {
        return new ModelState(modelName, versions(modelName), routing.get(modelName), new TreeMap<>(aliases.getOrDefault(modelName, Map.of())),
                List.copyOf(audit.getOrDefault(modelName, List.of())), List.copyOf(applied.getOrDefault(modelName, Set.of())));
    }

    /** Replaces what is held about a model with a state exported earlier (read from the compacted registry topic on start). */
    public synchronized void restore(ModelState state) {
        Map<String, ModelVersion> byVersion = new TreeMap<>();
        state.versions().forEach(v -> byVersion.put(v.version(), v));
        models.put(state.modelName(), byVersion);
        if (state.routing() == null) {
            routing.remove(state.modelName());
        } else {
            routing.put(state.modelName(), state.routing());
        }
        aliases.put(state.modelName(), new TreeMap<>(state.aliases()));
        audit.put(state.modelName(), new ArrayList<>(state.audit()));
        applied.put(state.modelName(), new LinkedHashSet<>(state.appliedEventIds()));
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
        names.addAll(aliases.keySet());
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

    /**
     * The champion: the version an operator pinned as {@code champion}, else the routing table's stable route when one was
     * seen, else the version in stage production. The next champion-vs-challenger comparison uses it.
     */
    public synchronized Optional<String> champion(String modelName) {
        ModelState.Alias pinned = aliases.getOrDefault(modelName, Map.of()).get("champion");
        if (pinned != null) {
            return Optional.of(pinned.version());
        }
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

    /** The version an alias names now ({@code champion}, {@code challenger}, {@code latest} or one set by an operator), or empty. */
    public synchronized Optional<String> alias(String modelName, String alias) {
        return switch (alias) {
            case "champion" -> champion(modelName);
            case "challenger" -> challenger(modelName);
            case "latest" -> versions(modelName).stream().filter(v -> v.trainedAt() != null).map(ModelVersion::version).reduce((a, b) -> b);
            default -> Optional.ofNullable(aliases.getOrDefault(modelName, Map.of()).get(alias)).map(ModelState.Alias::version);
        };
    }

    /** Resolves an alias (see {@link #alias}) or a plain version. */
    public synchronized Optional<ModelVersion> resolve(String modelName, String versionOrAlias) {
        String version = "champion".equals(versionOrAlias) || RegistryCommand.derivedAlias(versionOrAlias)
                || aliases.getOrDefault(modelName, Map.of()).containsKey(versionOrAlias)
                ? alias(modelName, versionOrAlias).orElse(null) : versionOrAlias;
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
        alias(modelName, "latest").ifPresent(version -> add(reasons, version, "alias: latest"));
        aliases.getOrDefault(modelName, Map.of()).forEach((alias, set) -> {
            if (!"champion".equals(alias)) { // a pinned champion is the champion above
                add(reasons, set.version(), "alias: " + alias);
            }
        });
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
            put(ModelVersion.unknown(modelName, version, modelUri));
        }
    }

    private void move(String modelName, String version, Stage stage, Instant at, String reason) {
        ModelVersion current = get(modelName, version).orElseThrow();
        if (current.stage() == stage && !current.history().isEmpty()) {
            return;
        }
        List<ModelVersion.StageChange> history = new ArrayList<>(current.history());
        history.add(new ModelVersion.StageChange(stage, at, reason));
        put(current.withStage(stage, List.copyOf(history)));
    }

    private void put(ModelVersion version) {
        models.computeIfAbsent(version.modelName(), k -> new TreeMap<>()).put(version.version(), version);
    }
}
