package io.sluice.inference.web;

import java.util.stream.IntStream;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.sluice.inference.InferenceProperties;
import io.sluice.platform.security.Access;
import io.sluice.platform.security.ApiKeys;
import io.sluice.platform.security.PlainKeys;
import io.sluice.platform.security.Role;
import io.sluice.platform.security.RouteRoles;

/**
 * Every route of the inference API with what it needs (platform's security enforces it), and the per-caller rate
 * limit behind it. Health and server metadata are open for probes; model metadata, readiness, infer, predict and
 * feedback need an API key when client keys are configured (open otherwise: the local stack).
 */
@Configuration(proxyBeanMethods = false)
class WebConfiguration {

    @Bean
    RouteRoles inferenceRouteRoles() {
        return RouteRoles.builder()
                .get(Access.PUBLIC, "/v2", "/v2/", "/v2/health/live", "/v2/health/ready")
                .get(Access.CLIENT, "/v2/models/*", "/v2/models/*/versions/*", "/v2/models/*/ready", "/v2/models/*/versions/*/ready")
                .post(Access.CLIENT, "/v2/models/*/infer", "/v2/models/*/versions/*/infer", "/v2/models/*/predict",
                        "/v2/models/*/versions/*/predict", "/v2/models/*/feedback")
                .build();
    }

    /** {@code sluice.inference.api-keys} (plain, env {@code SLUICE_INFERENCE_API_KEYS}): client keys, checked by platform's keys. */
    @Bean
    PlainKeys inferenceApiKeys(InferenceProperties properties) {
        return () -> IntStream.range(0, properties.apiKeys().size())
                .mapToObj(i -> new ApiKeys.PlainKey("api-key-" + (i + 1), Role.CLIENT, properties.apiKeys().get(i))).toList();
    }

    /** Each caller's requests per second, one budget for REST and gRPC. */
    @Bean
    RateLimits callerRateLimits(InferenceProperties properties) {
        return new RateLimits(properties.rateLimitPerSecond());
    }

    @Bean
    FilterRegistrationBean<RequestGuard> requestGuard(RateLimits limits) {
        FilterRegistrationBean<RequestGuard> registration = new FilterRegistrationBean<>(new RequestGuard(limits));
        registration.setOrder(0); // after Spring Security's filter chain (-100), which has authenticated the caller
        registration.addUrlPatterns("/v2/*");
        return registration;
    }
}
