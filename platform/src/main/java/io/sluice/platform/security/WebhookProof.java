package io.sluice.platform.security;

import jakarta.servlet.http.HttpServletRequest;

/**
 * A service's own webhook credential that needs the body to check (an HMAC, a provider signature): when a request
 * to a {@link Access#WEBHOOK} route carries one, security lets it through to the service, which must verify it.
 */
@FunctionalInterface
public interface WebhookProof {

    /** Whether the request carries a credential the service verifies itself. */
    boolean carriedBy(HttpServletRequest request);
}
