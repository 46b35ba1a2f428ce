package io.sluice.platform.messaging;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * Adds {@code sluice-defaults.yaml} (Kafka binder, dead letters, content type, actuator) as the
 * lowest-precedence property source of every service, so the shared settings live in one place.
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
    }
}
