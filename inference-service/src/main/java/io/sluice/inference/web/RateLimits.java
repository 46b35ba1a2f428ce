package io.sluice.inference.web;

import java.time.Duration;

import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.sluice.platform.security.Caller;

/**
 * {@code rate-limit-per-second} requests per second for each authenticated caller, one budget across REST and gRPC
 * (resilience4j RateLimiter). Anonymous calls (no client keys configured: the local stack) are not limited.
 */
public final class RateLimits {

    private final RateLimiterRegistry limiters;
    private final boolean limited;

    /** @param ratePerSecond requests per second per caller; 0 means unlimited */
    public RateLimits(int ratePerSecond) {
        this.limited = ratePerSecond > 0;
        this.limiters = RateLimiterRegistry.of(RateLimiterConfig.custom()
                .limitForPeriod(Math.max(1, ratePerSecond))
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ZERO)
                .build());
    }

    /** Whether the caller (null: anonymous) may make one more request now. */
    public boolean acquire(Caller caller) {
        return !limited || caller == null || limiters.rateLimiter(caller.role().label() + ":" + caller.name()).acquirePermission();
    }

    /** Whether any caller is limited at all. */
    boolean limited() {
        return limited;
    }
}
