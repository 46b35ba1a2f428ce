package io.sluice.platform.security;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * A service's {@link RouteRoles} (after the platform's own routes) as request matchers, and the decision for each:
 * the first matching route decides; no match is denied.
 */
final class RouteTable implements AuthorizationManager<RequestAuthorizationContext> {

    private record Entry(RequestMatcher matcher, RouteRoles.Route route) {}

    private final List<Entry> entries = new ArrayList<>();
    private final Credentials credentials;
    private final WebhookProof proof;

    RouteTable(List<RouteRoles.Route> routes, Credentials credentials, WebhookProof proof) {
        this.credentials = credentials;
        this.proof = proof;
        for (RouteRoles.Route route : routes) {
            entries.add(new Entry(route.method() == null ? PathPatternRequestMatcher.pathPattern(route.pattern())
                    : PathPatternRequestMatcher.pathPattern(route.method(), route.pattern()), route));
        }
    }

    /** The route that decides for a request, or null (denied). */
    RouteRoles.Route routeOf(HttpServletRequest request) {
        for (Entry entry : entries) {
            if (entry.matcher().matches(request)) {
                return entry.route();
            }
        }
        return null;
    }

    /** Whether a request is on a webhook route. */
    boolean isWebhook(HttpServletRequest request) {
        RouteRoles.Route route = routeOf(request);
        return route != null && route.access() == Access.WEBHOOK;
    }

    @Override
    public AuthorizationResult authorize(Supplier<? extends Authentication> authentication, RequestAuthorizationContext context) {
        RouteRoles.Route route = routeOf(context.getRequest());
        if (route == null) {
            return new AuthorizationDecision(false);
        }
        if (route.access() == Access.WEBHOOK && proof != null && proof.carriedBy(context.getRequest())) {
            return new AuthorizationDecision(true);
        }
        Authentication current = authentication.get();
        Caller caller = current != null && current.getPrincipal() instanceof Caller c ? c : null;
        return new AuthorizationDecision(credentials.decide(route.access(), caller) == Credentials.Decision.ALLOWED);
    }
}
