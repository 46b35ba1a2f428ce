package io.sluice.inference.domain;

import java.time.Clock;
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
 * leave the table. A version is pinned to the artifact it was loaded from; a version that failed to
 * load is tried again when a newer revision of the table names it.
 */
public final class ModelHost implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ModelHost.class.getName());
    /** TorchScript profiles a graph on its first runs and optimises it after them. */
    private static final int WARM_UP_PASSES = 3;

    private final ModelLoader loader;
    private final Executor loads;
    private final BatchSettings batching;
    private final Clock clock;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();

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

    public ModelHost(ModelLoader loader, Executor loads, BatchSettings batching, Clock clock) {
        this.loader = loader;
        this.loads = loads;
        this.batching = batching;
        this.clock = clock;
    }

    /** Brings the hosted versions of one model in line with its routing table entry. */
    public synchronized void sync(ModelRoutes routes) {
        Set<String> named = new HashSet<>();
        for (Route route : routes.routes()) {
            String key = key(routes.model(), route.version());
            named.add(key);
            Slot held = slots.get(key);
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
                unload(entry.getValue());
            }
        }
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

    /** The batch queue of a ready version, or empty when it is not ready (see {@link #version}). */
    public Optional<Batcher> batcher(String model, String version) {
        Slot slot = slots.get(key(model, version));
        return slot == null || slot.state != HostedVersion.State.READY ? Optional.empty() : Optional.ofNullable(slot.batcher);
    }

    /** The loaded model of a ready version. */
    public Optional<ServedModel> served(String model, String version) {
        Slot slot = slots.get(key(model, version));
        return slot == null || slot.state != HostedVersion.State.READY ? Optional.empty() : Optional.ofNullable(slot.served);
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
    }

    private static String key(String model, String version) {
        return model + '\u0000' + version;
    }
}
