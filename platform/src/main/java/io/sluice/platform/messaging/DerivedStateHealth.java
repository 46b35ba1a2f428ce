package io.sluice.platform.messaging;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import io.sluice.platform.events.DerivedState;

/**
 * Health contributor {@code derivedState}, part of readiness: DOWN while any state the service
 * derives from topics is behind, rebuilding or cannot reach the broker; UP when all are current
 * (and when the service derives none).
 */
public final class DerivedStateHealth implements HealthIndicator {

    private final ObjectProvider<DerivedState> states;

    public DerivedStateHealth(ObjectProvider<DerivedState> states) {
        this.states = states;
    }

    @Override
    public Health health() {
        List<DerivedState> all = states.orderedStream().toList();
        boolean current = true;
        Map<String, Object> details = new LinkedHashMap<>();
        for (DerivedState state : all) {
            DerivedState.Status status = state.status();
            current &= status.current();
            Map<String, Object> detail = new LinkedHashMap<>(status.details());
            detail.put("current", status.current());
            details.put(state.name(), detail);
        }
        return (current ? Health.up() : Health.down()).withDetails(details).build();
    }
}
