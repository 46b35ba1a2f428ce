package io.sluice.console.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.sluice.platform.security.Access;
import io.sluice.platform.security.RouteRoles;

/**
 * Every route of the console with what it needs (platform's security enforces it): the page and sign-in are open,
 * the API reads need a viewer (open when {@code sluice.security.public-reads=true}, the local default), predictions
 * and registry commands a writer, release commands an admin.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleRoutes {

    @Bean
    RouteRoles consoleRouteRoles() {
        return RouteRoles.builder()
                .get(Access.PUBLIC, "/", "/index.html", "/app.js", "/app.css", "/favicon.ico")
                .add(null, Access.PUBLIC, "/api/session")
                .get(Access.READ, "/api/events", "/api/events/stream", "/api/runs", "/api/timeline/*", "/api/models", "/api/training",
                        "/api/training/runs", "/api/training/compare", "/api/artifact")
                .post(Access.WRITER, "/api/predict/*", "/api/registry/*/aliases/*", "/api/registry/*/aliases/*/remove",
                        "/api/registry/*/versions/*/*")
                .post(Access.ADMIN, "/api/deployments/*/*")
                .build();
    }
}
