package io.sluice.platform.security;

import java.util.ArrayList;
import java.util.List;

import org.springframework.http.HttpMethod;

/**
 * Every HTTP route of a service with what it needs, in one place (one bean per service). Routes not listed are denied
 * (401 without a credential, 403 with one). Health, info and metrics of the actuator and {@code /error} are added as
 * {@link Access#PUBLIC} by the platform.
 *
 * @param routes the declared routes, matched in order (the first match decides)
 */
public record RouteRoles(List<Route> routes) {

    /**
     * One route.
     *
     * @param method  HTTP method, or null for every method
     * @param pattern Spring path pattern ({@code /deployments/*}, {@code /v2/**})
     * @param access  what it needs
     */
    public record Route(HttpMethod method, String pattern, Access access) {

        @Override
        public String toString() {
            return (method == null ? "*" : method.name()) + " " + pattern + " → " + access;
        }
    }

    public RouteRoles {
        routes = List.copyOf(routes);
    }

    /** Starts a declaration. */
    public static Builder builder() {
        return new Builder();
    }

    /** The routes the platform opens for every service: health, info, prometheus and the error page. */
    public static List<Route> platformRoutes() {
        return List.of(new Route(HttpMethod.GET, "/actuator/health", Access.PUBLIC),
                new Route(HttpMethod.GET, "/actuator/health/**", Access.PUBLIC),
                new Route(HttpMethod.GET, "/actuator/info", Access.PUBLIC),
                new Route(HttpMethod.GET, "/actuator/prometheus", Access.PUBLIC),
                new Route(null, "/error", Access.PUBLIC));
    }

    /** Collects routes in declaration order. */
    public static final class Builder {
        private final List<Route> routes = new ArrayList<>();

        public Builder get(Access access, String... patterns) {
            return add(HttpMethod.GET, access, patterns);
        }

        public Builder post(Access access, String... patterns) {
            return add(HttpMethod.POST, access, patterns);
        }

        public Builder delete(Access access, String... patterns) {
            return add(HttpMethod.DELETE, access, patterns);
        }

        public Builder add(HttpMethod method, Access access, String... patterns) {
            for (String pattern : patterns) {
                routes.add(new Route(method, pattern, access));
            }
            return this;
        }

        public RouteRoles build() {
            return new RouteRoles(routes);
        }
    }
}
