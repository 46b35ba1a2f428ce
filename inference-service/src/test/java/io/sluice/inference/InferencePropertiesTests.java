package io.sluice.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import io.sluice.inference.domain.InputGuard;

/** The issue-12 settings: their defaults, the guard's two modes, and values that must not start the service. */
class InferencePropertiesTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(InferenceProperties.class)
    static class Settings {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Settings.class)
            .withPropertyValues("sluice.inference.model-cache-dir=/tmp/sluice-properties-test");

    @Test
    void refusesOutOfRangeInputsShedsPastOneSecondAndKeepsPredecessorsForTheProductionWatchByDefault() {
        runner.run(context -> {
            InferenceProperties properties = context.getBean(InferenceProperties.class);
            assertThat(properties.inputGuard()).isEqualTo(InputGuard.Mode.REFUSE);
            assertThat(properties.inputTolerance()).isEqualTo(1.0);
            assertThat(properties.maxQueueWait()).isEqualTo(Duration.ofSeconds(1));
            assertThat(properties.retainRemoved()).isEqualTo(Duration.ofMinutes(10));
        });
    }

    @Test
    void flagsInsteadOfRefusingWhenConfigured() {
        runner.withPropertyValues("sluice.inference.input-guard=flag", "sluice.inference.input-tolerance=0.25",
                        "sluice.inference.max-queue-wait=0", "sluice.inference.retain-removed=0")
                .run(context -> {
                    InferenceProperties properties = context.getBean(InferenceProperties.class);
                    assertThat(properties.inputGuard()).isEqualTo(InputGuard.Mode.FLAG);
                    assertThat(properties.inputTolerance()).isEqualTo(0.25);
                    assertThat(properties.maxQueueWait()).isZero();
                    assertThat(properties.retainRemoved()).isZero();
                });
    }

    @Test
    void doesNotStartWithAnUnknownGuardOrANegativeTolerance() {
        runner.withPropertyValues("sluice.inference.input-guard=ignore").run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("sluice.inference.input-tolerance=-1").run(context -> assertThat(context).hasFailed());
    }
}
