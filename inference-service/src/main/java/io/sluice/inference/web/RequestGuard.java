package io.sluice.inference.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;

/**
 * Guards {@code /v2/models/**}: refuses bodies over the size limit (413), and when API keys are
 * configured requires one in {@code X-API-Key} or {@code Authorization: Bearer} (401) and holds each
 * key to its rate limit (429 with {@code Retry-After}). Health and server metadata stay open for probes.
 * Keys are compared in constant time and never logged.
 */
class RequestGuard extends OncePerRequestFilter {

    private final List<byte[]> keys;
    private final long maxBytes;
    private final RateLimiterRegistry limiters;
    private final boolean limited;

    RequestGuard(List<String> apiKeys, int ratePerSecond, long maxBytes) {
        this.keys = apiKeys.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
        this.maxBytes = maxBytes;
        this.limited = ratePerSecond > 0;
        this.limiters = RateLimiterRegistry.of(RateLimiterConfig.custom()
                .limitForPeriod(Math.max(1, ratePerSecond))
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ZERO)
                .build());
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/v2/models/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > maxBytes) {
            reject(response, 413, "the request body is larger than " + maxBytes + " bytes", null);
            return;
        }
        if (!keys.isEmpty()) {
            String key = presentedKey(request);
            int index = key == null ? -1 : indexOf(key);
            if (index < 0) {
                response.setHeader("WWW-Authenticate", "Bearer");
                reject(response, 401, key == null ? "an API key is required (X-API-Key or Authorization: Bearer)"
                        : "the API key is not valid", null);
                return;
            }
            if (limited && !limiters.rateLimiter("key-" + index).acquirePermission()) {
                reject(response, 429, "rate limit exceeded for this API key", "1");
                return;
            }
        }
        chain.doFilter(request, response);
    }

    private static String presentedKey(HttpServletRequest request) {
        String key = request.getHeader("X-API-Key");
        if (key != null && !key.isBlank()) {
            return key.strip();
        }
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).strip();
        }
        return null;
    }

    private int indexOf(String presented) {
        byte[] bytes = presented.getBytes(StandardCharsets.UTF_8);
        int found = -1;
        for (int i = 0; i < keys.size(); i++) {
            if (MessageDigest.isEqual(keys.get(i), bytes)) {
                found = i;
            }
        }
        return found;
    }

    private static void reject(HttpServletResponse response, int status, String message, String retryAfter) throws IOException {
        response.setStatus(status);
        if (retryAfter != null) {
            response.setHeader("Retry-After", retryAfter);
        }
        response.setContentType("application/json");
        response.getWriter().write("{\"error\":\"" + message.replace("\"", "'") + "\"}");
    }
}
