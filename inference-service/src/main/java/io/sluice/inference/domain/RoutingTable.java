package io.sluice.inference.domain;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The routing table every replica applies, one entry per model, updated live. An entry with a
 * revision not newer than the one held is ignored, so redelivery and reordering change nothing.
 */
public final class RoutingTable {

    private final Map<String, ModelRoutes> entries = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Consumer<ModelRoutes>> listeners = new CopyOnWriteArrayList<>();

    /**
     * Called with each entry that will be applied, just before requests are routed by it: the model host
     * then already holds (or is loading) every version the entry names when the first request arrives.
     */
    public void onChange(Consumer<ModelRoutes> listener) {
        listeners.add(listener);
    }

    /** Applies an entry when its revision is newer than the one held; true when it was applied. */
    public synchronized boolean apply(ModelRoutes routes) {
        ModelRoutes held = entries.get(routes.model());
        if (held != null && held.revision() >= routes.revision()) {
            return false;
        }
        listeners.forEach(listener -> listener.accept(routes));
        entries.put(routes.model(), routes);
        return true;
    }

    public Optional<ModelRoutes> get(String model) {
        return Optional.ofNullable(entries.get(model));
    }

    /** Every model's entry, by model name. */
    public Map<String, ModelRoutes> all() {
        return Map.copyOf(entries);
    }
}
