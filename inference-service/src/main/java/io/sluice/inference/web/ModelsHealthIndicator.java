package io.sluice.inference.web;

import java.util.List;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

import io.sluice.inference.domain.ModelHost;
import io.sluice.inference.domain.RoutingTable;

/** Readiness: UP only when every version with weight in the routing table is loaded; the details say why not. */
@Component("models")
class ModelsHealthIndicator implements HealthIndicator {

    private final RoutingTable table;
    private final ModelHost host;

    ModelsHealthIndicator(RoutingTable table, ModelHost host) {
        this.table = table;
        this.host = host;
    }

    @Override
    public Health health() {
        List<String> reasons = host.notReady(table.all().values());
        Health.Builder health = reasons.isEmpty() ? Health.up() : Health.outOfService().withDetail("reasons", reasons);
        return health.withDetail("models", table.all().keySet().stream().sorted().toList())
                .withDetail("versions", host.all().stream().map(v -> v.model() + ":" + v.version() + " " + v.state()).toList())
                .build();
    }
}
