package io.sluice.training.messaging;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import io.sluice.events.DeploymentState;
import io.sluice.events.Route;
import io.sluice.events.RouteRole;
import io.sluice.training.domain.ProductionModels;

/** The stable version per model, from the compacted routing-table topic; older revisions are ignored. */
@Component
class RoutingTable implements ProductionModels {

    private record Entry(long revision, ProductionModel stable) {}

    private final Map<String, Entry> byModel = new ConcurrentHashMap<>();

    void apply(DeploymentState state) {
        ProductionModel stable = state.getRoutes().stream().filter(r -> r.getRole() == RouteRole.STABLE)
                .max(java.util.Comparator.comparingInt(Route::getWeight))
                .map(r -> new ProductionModel(r.getVersion(), r.getModelUri()))
                .orElse(null);
        byModel.merge(state.getModelName(), new Entry(state.getRevision(), stable),
                (old, fresh) -> fresh.revision() >= old.revision() ? fresh : old);
    }

    @Override
    public Optional<ProductionModel> stable(String modelName) {
        Entry entry = byModel.get(modelName);
        return entry == null ? Optional.empty() : Optional.ofNullable(entry.stable());
    }
}
