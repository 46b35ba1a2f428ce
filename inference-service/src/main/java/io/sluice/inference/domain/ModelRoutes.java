package io.sluice.inference.domain;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The routing table entry of one model at one revision, and the choice of the version that answers
 * a request. Without a routing key the choice is random by weight; with one it is a stable hash of
 * the key onto the weight ranges (answering routes in table order, each owning a slice of
 * {@value #SLOTS} slots), so a caller keeps its version while the weights stay, and when a canary
 * grows only the keys that move to it change version.
 *
 * @param model    model name
 * @param revision increases on every change of the table; older revisions are ignored
 * @param routes   every version the table names, in table order
 */
public record ModelRoutes(String model, long revision, List<Route> routes) {

    /** Resolution of the weighted split: weights in percent map onto this many slots. */
    public static final int SLOTS = 10_000;

    public ModelRoutes {
        routes = List.copyOf(routes);
    }

    /** Routes whose answers are returned (stable and canary), with or without weight. */
    public List<Route> answering() {
        return routes.stream().filter(r -> r.role().answers()).toList();
    }

    /** Routes that get a copy of the traffic and whose answers are only recorded. */
    public List<Route> shadows() {
        return routes.stream().filter(r -> !r.role().answers()).toList();
    }

    /** Answering routes with a weight above zero: every one of them must be loaded for the model to be ready. */
    public List<Route> weighted() {
        return answering().stream().filter(r -> r.weight() > 0).toList();
    }

    public Optional<Route> route(String version) {
        return routes.stream().filter(r -> r.version().equals(version)).findFirst();
    }

    /**
     * The answering version for a request: sticky when {@code routingKey} is given, random by weight
     * otherwise; empty when no route has weight.
     */
    public Optional<Route> pick(String routingKey) {
        int slot = routingKey == null || routingKey.isEmpty()
                ? ThreadLocalRandom.current().nextInt(SLOTS)
                : Math.floorMod(hash(routingKey), SLOTS);
        return pick(slot);
    }

    /** The answering route owning a slot in [0, {@value #SLOTS}), weights scaled to their sum. */
    Optional<Route> pick(int slot) {
        List<Route> weighted = weighted();
        int total = weighted.stream().mapToInt(Route::weight).sum();
        if (total == 0) {
            return Optional.empty();
        }
        long upper = 0;
        long cumulative = 0;
        for (Route route : weighted) {
            cumulative += route.weight();
            upper = cumulative * SLOTS / total;
            if (slot < upper) {
                return Optional.of(route);
            }
        }
        return Optional.of(weighted.get(weighted.size() - 1));
    }

    /** 32-bit FNV-1a of the key followed by a murmur finaliser, so similar keys spread evenly. */
    static int hash(String key) {
        int h = 0x811c9dc5;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b;
            h *= 0x01000193;
        }
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
