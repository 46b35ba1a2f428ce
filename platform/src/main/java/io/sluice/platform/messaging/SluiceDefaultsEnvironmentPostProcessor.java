package io.sluice.platform.messaging;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

import io.sluice.platform.storage.Buckets;

/**
 * Adds {@code sluice-defaults.yaml} (Kafka binder, dead letters, content type, actuator) as the
 * lowest-precedence property source of every service, so the shared settings live in one place, and
 * below it the bucket URIs named by platform's {@link Buckets} ({@link BucketsPropertySource}).
 */
public class SluiceDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String NAME = "sluice-defaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.getPropertySources().contains(NAME)) {
            return;
        }
        try {
            for (PropertySource<?> source : new YamlPropertySourceLoader().load(NAME, new ClassPathResource(NAME + ".yaml"))) {
                environment.getPropertySources().addLast(source);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read sluice-defaults.yaml", e);
        }
        BucketsPropertySource buckets = new BucketsPropertySource(environment);
        environment.getPropertySources().addLast(buckets);
        Buckets.check(buckets::setting); // a project or environment that cannot name buckets stops the service here
    }
}
