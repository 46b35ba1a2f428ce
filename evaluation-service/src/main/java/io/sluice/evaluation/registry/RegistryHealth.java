package io.sluice.evaluation.registry;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** Reports the registry OUT_OF_SERVICE until its replay of the topics has caught up, so readiness waits for it. */
public final class RegistryHealth implements HealthIndicator {

    private final RegistryProjection projection;

    public RegistryHealth(RegistryProjection projection) {
        this.projection = projection;
    }

    @Override
    public Health health() {
        return projection.isCaughtUp() ? Health.up().build()
                : Health.outOfService().withDetail("reason", "replaying the training, evaluation and deployment topics").build();
    }
}
