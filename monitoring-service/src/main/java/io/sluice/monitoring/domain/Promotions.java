package io.sluice.monitoring.domain;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The latest promotion of every model (by promotion time), learned from the deployment history. Thread-safe. */
public final class Promotions {

    private final ConcurrentMap<String, Promotion> latest = new ConcurrentHashMap<>();

    /** Records a promotion; an older one than the one known is ignored, so redelivery and replay change nothing. */
    public void observed(Promotion promotion) {
        latest.merge(promotion.model(), promotion, (known, seen) -> seen.at().isBefore(known.at()) ? known : seen);
    }

    /** The latest promotion of a model, if any was seen. */
    public Optional<Promotion> latest(String model) {
        return Optional.ofNullable(latest.get(model));
    }
}
