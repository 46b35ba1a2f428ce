package io.sluice.training.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.sluice.platform.security.RouteRoles;

/**
 * Every route of the training-service with the role it needs: none of its own — it has no API, only the platform's
 * health, info and metrics — so everything else is refused (401 without a credential, 403 with one).
 */
@Configuration(proxyBeanMethods = false)
class TrainingRoutes {

    @Bean
    RouteRoles trainingRouteRoles() {
        return RouteRoles.builder().build();
    }
}
