package io.sluice.inference.web;

import java.io.IOException;
import java.time.Duration;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.sluice.platform.security.Caller;
import io.sluice.platform.security.Problems;

/**
 * Holds each authenticated caller of {@code /v2/models/**} (an API key or a session, as platform's security
 * authenticated it) to {@code rate-limit-per-second} requests per second: 429 with {@code Retry-After} as a problem
 * detail. Anonymous calls (no client keys configured: the local stack) are not limited here.
 */
class RequestGuard extends OncePerRequestFilter {

    private final RateLimiterRegistry limiters;
    private final boolean limited;

    RequestGuard(int ratePerSecond) {
        this.limited = ratePerSecond > 0;
        this.limiters = RateLimiterRegistry.of(RateLimiterConfig.custom()
                .limitForPeriod(Math.max(1, ratePerSecond))
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ZERO)
                .build());
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !limited || !request.getRequestURI().startsWith("/v2/models/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.getPrincipal() instanceof Caller caller
                && !limiters.rateLimiter(caller.role().label() + ":" + caller.name()).acquirePermission()) {
            response.setHeader("Retry-After", "1");
            Problems.write(request, response, HttpStatus.TOO_MANY_REQUESTS, "rate limit exceeded for " + caller.getName());
            return;
        }
        chain.doFilter(request, response);
    }
}
