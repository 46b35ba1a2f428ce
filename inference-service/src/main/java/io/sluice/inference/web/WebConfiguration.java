package io.sluice.inference.web;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import io.sluice.inference.InferenceProperties;

/** Registers the request guard (size limit, API keys, rate limits) in front of the model endpoints. */
@Configuration(proxyBeanMethods = false)
class WebConfiguration {

    @Bean
    FilterRegistrationBean<RequestGuard> requestGuard(InferenceProperties properties) {
        FilterRegistrationBean<RequestGuard> registration = new FilterRegistrationBean<>(
                new RequestGuard(properties.apiKeys(), properties.rateLimitPerSecond(), properties.maxRequestSize().toBytes()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        registration.addUrlPatterns("/v2/*");
        return registration;
    }
}
