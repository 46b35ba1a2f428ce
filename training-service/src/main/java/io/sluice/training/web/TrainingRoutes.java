package io.sluice.training.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.sluice.platform.security.Access;
import io.sluice.platform.security.RouteRoles;

/**
 * Every route of the training-service with the role it needs: besides the platform's health, info and metrics, only
 * {@code POST /tuning/{dataset}} (a writer: it spends compute, as uploading a dataset does, which a writer may);
 * everything else is refused (401 without a credential, 403 with one).
 */
@Configuration(proxyBeanMethods = false)
class TrainingRoutes {

    @Bean
    RouteRoles trainingRouteRoles() {
        return RouteRoles.builder().post(Access.WRITER, "/tuning/*").build();
    }
}
