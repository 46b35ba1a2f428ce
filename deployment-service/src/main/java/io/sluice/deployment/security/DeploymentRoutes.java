package io.sluice.deployment.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.sluice.platform.security.Access;
import io.sluice.platform.security.RouteRoles;

/**
 * Every route of the operator API with the role it needs (platform's security does the rest; anything else is refused):
 * reading needs a viewer, pause and resume a writer, promote and rollback an admin.
 */
@Configuration(proxyBeanMethods = false)
public class DeploymentRoutes {

    @Bean
    RouteRoles deploymentRouteRoles() {
        return RouteRoles.builder()
                .get(Access.READ, "/deployments", "/deployments/*")
                .post(Access.WRITER, "/deployments/*/pause", "/deployments/*/resume")
                .post(Access.ADMIN, "/deployments/*/promote", "/deployments/*/rollback")
                .post(Access.ADMIN, "/deployments/*/*") // any other command: 404 for those who may command at all
                .build();
    }
}
