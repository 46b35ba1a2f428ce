package io.sluice.evaluation.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.sluice.platform.security.Access;
import io.sluice.platform.security.RouteRoles;

/**
 * Every route of the registry API with the role it needs: reads (viewer, or public by {@code sluice.security.public-reads}),
 * retention's protected versions included; operators' changes (aliases, blocks, notes: writer).
 */
@Configuration(proxyBeanMethods = false)
class RegistryRoutes {

    @Bean
    RouteRoles registryRouteRoles() {
        return RouteRoles.builder().get(Access.READ, "/models", "/models/*/versions", "/models/*/versions/*", "/models/*/aliases/*",
                        "/models/*/audit")
                .get(Access.READ, "/retention/protected-versions")
                .post(Access.WRITER, "/models/*/aliases/*", "/models/*/aliases/*/remove", "/models/*/versions/*/*").build();
    }
}
