package io.sluice.monitoring.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.sluice.platform.security.Access;
import io.sluice.platform.security.RouteRoles;

/** Every route of the monitoring API with the role it needs: reads (viewer, or public by {@code sluice.security.public-reads}). */
@Configuration(proxyBeanMethods = false)
class MonitoringRoutes {

    @Bean
    RouteRoles monitoringRouteRoles() {
        return RouteRoles.builder().get(Access.READ, "/monitoring/*").build();
    }
}
