package io.sluice.inference.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import io.sluice.platform.security.Caller;
import io.sluice.platform.security.Problems;

/**
 * Holds each authenticated caller of {@code /v2/models/**} (an API key or a session, as platform's security
 * authenticated it) to its {@link RateLimits}: 429 with {@code Retry-After} as a problem
 * detail. Anonymous calls (no client keys configured: the local stack) are not limited here.
 */
class RequestGuard extends OncePerRequestFilter {

    private final RateLimits limits;

    RequestGuard(RateLimits limits) {
        this.limits = limits;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !limits.limited() || !request.getRequestURI().startsWith("/v2/models/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.getPrincipal() instanceof Caller caller
                && !limits.acquire(caller)) {
            response.setHeader("Retry-After", "1");
            Problems.write(request, response, HttpStatus.TOO_MANY_REQUESTS, "rate limit exceeded for " + caller.getName());
            return;
        }
        chain.doFilter(request, response);
    }
}
