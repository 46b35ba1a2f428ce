package io.sluice.inference.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Holds the versions the routing table names: loads each one as soon as the table names it (before
 * it has weight), warms it up with one inference before it takes traffic, and unloads versions that
 * leave the table. A ready version that leaves the table (the predecessor after a promotion, the stable
 * version a rollback of production returns to) is retained, loaded, for {@code retainRemoved} before it
 * is unloaded, so a routing table that names it again serves it at once: a rollback never waits for a
 * load. A version is pinned to the artifact it was loaded from; a version that failed to load is tried
 * again when a newer revision of the table names it.
 */
public final class ModelHost implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ModelHost.class.getName());
    /** TorchScript profiles a graph on its first runs and optimises it after them. */
    private static final int WARM_UP_PASSES = 3;

    private final ModelLoader loader;
    private final Executor loads;
    private final BatchSettings batching;
    private final Clock clock;
    private final Duration retainRemoved;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    /** Ready versions that left the table, still loaded until their time is up; changed only under {@code this}. */
    private final Map<String, Retained> retained = new ConcurrentHashMap<>();

    private record Retained(Slot slot, Instant until) {}

    /** A version's place in the host; replaced, never reused, when the version is reloaded. */
    private final class Slot {
        final String model;
        volatile Route route;
        volatile HostedVersion.State state = HostedVersion.State.LOADING;
        volatile String reason;
        volatile ServedModel served;
        volatile Batcher batcher;
        volatile Instant since = clock.instant();
        volatile boolean removed;

        Slot(String model, Route route) {
            this.model = model;
            this.route = route;
        }

        HostedVersion view() {
            Batcher b = batcher;
            ServedModel s = served;
            return new HostedVersion(model, route, state, reason, s == null ? null : s.info(), since, b == null ? 0 : b.queued());
        }
    }

    /** A host that unloads a version as soon as it leaves the table. */
    public ModelHost(ModelLoader loader, Executor loads, BatchSettings batching, Clock clock) {
        this(loader, loads, batching, clock, Duration.ZERO);
    }

    /**
     * @param retainRemoved how long a ready version that left the table stays loaded (zero: unloaded at once)
     */
    public ModelHost(ModelLoader loader, Executor loads, BatchSettings batching, Clock clock, Duration retainRemoved) {
        this.loader = loader;
        this.loads = loads;
        this.batching = batching;
        this.clock = clock;
        this.retainRemoved = retainRemoved;
    }

    /** Brings the hosted versions of one model in line with its routing table entry. */
    public synchronized void sync(ModelRoutes routes) {
        Set<String> named = new HashSet<>();
        for (Route route : routes.routes()) {
            String key = key(routes.model(), route.version());
            named.add(key);
            Slot held = slots.get(key);
            if (held == null) {
                held = revive(key, route);
            }
            if (held == null || !held.route.modelUri().equals(route.modelUri()) || held.state == HostedVersion.State.FAILED) {
                if (held != null) {
                    unload(held);
                }
                Slot slot = new Slot(routes.model(), route);
                slots.put(key, slot);
                loads.execute(() -> load(slot));
            } else {
                held.route = route; // same artifact, maybe a new role or weight: keep what is loaded
            }
        }
        for (Map.Entry<String, Slot> entry : Map.copyOf(slots).entrySet()) {
            if (entry.getValue().model.equals(routes.model()) && !named.contains(entry.getKey())) {
                slots.remove(entry.getKey(), entry.getValue());
                retire(entry.getKey(), entry.getValue());
            }
        }
        unloadExpired();
    }

    /** Keeps a ready version that left the table loaded for a while (a rollback may name it again); unloads any other. */
    private void retire(String key, Slot slot) {
        if (retainRemoved.isZero() || slot.state != HostedVersion.State.READY) {
            unload(slot);
            return;
        }
        Retained previous = retained.put(key, new Retained(slot, clock.instant().plus(retainRemoved)));
        if (previous != null && previous.slot() != slot) {
            unload(previous.slot());
        }
        LOG.info(() -> "keeping " + slot.model + ":" + slot.route.version() + " loaded for " + retainRemoved + " after it left the table");
    }

    /** The retained slot of a version named again with the same artifact, back in the table with the new route; else null. */
    private Slot revive(String key, Route route) {
        Retained kept = retained.remove(key);
        if (kept == null) {
            return null;
        }
        if (!kept.slot().route.modelUri().equals(route.modelUri())) {
            unload(kept.slot()); // named again with another artifact: that one is loaded instead
            return null;
        }
        kept.slot().route = route;
        slots.put(key, kept.slot());
        LOG.info(() -> "serving retained " + kept.slot().model + ":" + route.version() + " again");
        return kept.slot();
    }

    /** Unloads the retained versions whose time is up; called on every table change and periodically. */
    public synchronized void unloadExpired() {
        Instant now = clock.instant();
        retained.values().removeIf(kept -> {
            if (kept.until().isAfter(now)) {
                return false;
            }
            unload(kept.slot());
            return true;
        });
    }

    /** Every version held, loaded or loading: those the table names (any role and weight) and those retained, as {@code model/version}. */
    public synchronized Set<String> held() {
        Set<String> held = new HashSet<>();
        slots.values().forEach(slot -> held.add(slot.model + "/" + slot.route.version()));
        retained.values().forEach(kept -> held.add(kept.slot().model + "/" + kept.slot().route.version()));
        return held;
    }

    /** Versions kept loaded after they left the table, with the time each will be unloaded, by version. */
    public synchronized Map<String, Instant> retainedUntil(String model) {
        Map<String, Instant> result = new java.util.TreeMap<>();
        retained.values().stream().filter(kept -> kept.slot().model.equals(model))
                .forEach(kept -> result.put(kept.slot().route.version(), kept.until()));
        return result;
    }

    /**
     * The first forward passes allocate, profile and optimise the TorchScript graph (once per batch
     * shape): run them before the version takes traffic, for one input and a full batch, so that no
     * caller, and no canary analysis comparing it with a warm stable version, pays for them.
     */
    private void warmUp(ServedModel served) throws Exception {
        float[] zeros = new float[served.info().inputSize()];
        for (int batch : new int[] {1, batching.maxBatchSize()}) {
            List<float[]> inputs = java.util.Collections.nCopies(batch, zeros);
            for (int pass = 0; pass < WARM_UP_PASSES; pass++) {
                served.predict(inputs);
            }
        }
    }

    private void load(Slot slot) {
        String name = slot.model + ":" + slot.route.version();
        ServedModel served = null;
        try {
            served = loader.load(slot.model, slot.route);
            warmUp(served);
            synchronized (this) {
                if (slot.removed) {
                    served.close();
                    return;
                }
                slot.served = served;
                slot.batcher = new Batcher(name, served, batching);
                slot.since = clock.instant();
                slot.state = HostedVersion.State.READY;
            }
            LOG.info(() -> "loaded " + name + " on " + slot.served.info().device());
        } catch (Exception | LinkageError e) {
            if (served != null) {
                served.close();
            }
            slot.reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            slot.since = clock.instant();
            slot.state = HostedVersion.State.FAILED;
            LOG.log(Level.WARNING, "refused to serve " + name + ": " + slot.reason);
        }
    }

    private void unload(Slot slot) {
        slot.removed = true;
        Batcher batcher = slot.batcher;
        if (batcher != null) {
            batcher.close(); // answers what is queued, then closes the model
        }
        LOG.info(() -> "unloading " + slot.model + ":" + slot.route.version());
    }

    /**
     * The batch queue of a ready version, or empty when it is not ready (see {@link #version}); a version retained after
     * it left the table still answers the requests routed to it before it left.
     */
    public Optional<Batcher> batcher(String model, String version) {
        Slot slot = ready(model, version);
        return slot == null ? Optional.empty() : Optional.ofNullable(slot.batcher);
    }

    /** The loaded model of a ready (or retained) version. */
    public Optional<ServedModel> served(String model, String version) {
        Slot slot = ready(model, version);
        return slot == null ? Optional.empty() : Optional.ofNullable(slot.served);
    }

    private Slot ready(String model, String version) {
        String key = key(model, version);
        Slot slot = slots.get(key);
        if (slot == null) {
            Retained kept = retained.get(key);
            slot = kept == null ? null : kept.slot();
        }
        return slot == null || slot.state != HostedVersion.State.READY ? null : slot;
    }

    public Optional<HostedVersion> version(String model, String version) {
        return Optional.ofNullable(slots.get(key(model, version))).map(Slot::view);
    }

    /** Every version held for a model, by version name. */
    public List<HostedVersion> versions(String model) {
        return slots.values().stream().filter(s -> s.model.equals(model)).map(Slot::view)
                .sorted(Comparator.comparing(HostedVersion::version)).toList();
    }

    /** Every version held, of every model. */
    public List<HostedVersion> all() {
        return slots.values().stream().map(Slot::view)
                .sorted(Comparator.comparing(HostedVersion::model).thenComparing(HostedVersion::version)).toList();
    }

    /** Why a model is not ready (a weighted version not loaded), or empty when every weighted version is ready. */
    public Optional<String> notReady(ModelRoutes routes) {
        if (routes.weighted().isEmpty()) {
            return Optional.of("no version of " + routes.model() + " has weight");
        }
        for (Route route : routes.weighted()) {
            HostedVersion held = version(routes.model(), route.version()).orElse(null);
            if (held == null || held.state() == HostedVersion.State.LOADING) {
                return Optional.of(routes.model() + ":" + route.version() + " is loading");
            }
            if (held.state() == HostedVersion.State.FAILED) {
                return Optional.of(routes.model() + ":" + route.version() + " failed to load: " + held.reason());
            }
        }
        return Optional.empty();
    }

    /**
     * Why a model (version null: every weighted version, as {@link #notReady(ModelRoutes)}) or one of its versions (stable,
     * canary and shadow alike) cannot answer, or empty when it can.
     *
     * @throws UnknownModelException when the version is not in the model's routing table (a removed but retained one
     *                               included)
     */
    public Optional<String> notReady(ModelRoutes routes, String version) {
        if (version == null) {
            return notReady(routes);
        }
        routes.route(version).orElseThrow(() -> new UnknownModelException("model '" + routes.model() + "' has no version '" + version + "'"));
        // not Optional.map: a READY version maps to "no reason", which map would turn into "not loaded"
        HostedVersion hosted = version(routes.model(), version).orElse(null);
        String name = routes.model() + ":" + version;
        return Optional.ofNullable(hosted == null ? name + " is not loaded" : switch (hosted.state()) {
            case READY -> null;
            case LOADING -> name + " is loading";
            case FAILED -> name + " failed to load: " + hosted.reason();
        });
    }

    /** Why the service is not ready: one reason per model with weight whose weighted versions are not all loaded. */
    public List<String> notReady(java.util.Collection<ModelRoutes> tables) {
        return tables.stream().filter(routes -> !routes.weighted().isEmpty()).map(this::notReady).flatMap(Optional::stream)
                .sorted().toList();
    }

    /** Unloads every version. */
    @Override
    public synchronized void close() {
        slots.values().forEach(this::unload);
        slots.clear();
        retained.values().forEach(kept -> unload(kept.slot()));
        retained.clear();
    }

    private static String key(String model, String version) {
        return model + '\u0000' + version;
    }
}
