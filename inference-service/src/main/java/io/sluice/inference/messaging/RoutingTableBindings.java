package io.sluice.inference.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.sluice.events.DeploymentState;
import io.sluice.events.RouteRole;
import io.sluice.inference.domain.ModelRoutes;
import io.sluice.inference.domain.Role;
import io.sluice.inference.domain.Route;
import io.sluice.inference.domain.RoutingTable;

/**
 * Applies every {@link DeploymentState} on the compacted routing-table topic to this replica's
 * {@link RoutingTable}; every replica reads the whole topic (its own consumer group, from the start).
 */
@Configuration(proxyBeanMethods = false)
public class RoutingTableBindings {

    private static final Logger LOG = LoggerFactory.getLogger(RoutingTableBindings.class);

    @Bean
    Consumer<SpecificRecord> applyRoutes(RoutingTable table) {
        return event -> {
            if (event instanceof DeploymentState state) {
                ModelRoutes routes = toRoutes(state);
                if (table.apply(routes)) {
                    LOG.info("routing table of {} at revision {}: {}", routes.model(), routes.revision(), routes.routes());
                }
            }
        };
    }

    /** The domain view of a routing table entry; a route with an unknown role is left out. */
    static ModelRoutes toRoutes(DeploymentState state) {
        List<Route> routes = new ArrayList<>();
        for (io.sluice.events.Route route : state.getRoutes()) {
            if (route.getRole() == RouteRole.UNKNOWN) {
                LOG.warn("ignoring route {} of {} with an unknown role", route.getVersion(), state.getModelName());
                continue;
            }
            Role role = Role.valueOf(route.getRole().name());
            routes.add(new Route(route.getVersion(), role, role == Role.SHADOW ? 0 : route.getWeight(), route.getModelUri()));
        }
        return new ModelRoutes(state.getModelName(), state.getRevision(), routes);
    }
}
