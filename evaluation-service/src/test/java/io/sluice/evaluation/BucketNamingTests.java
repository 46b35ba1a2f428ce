package io.sluice.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.sluice.evaluation.evaluate.DecisionStore;
import io.sluice.platform.messaging.SluiceStorageAutoConfiguration;
import io.sluice.platform.storage.InvalidBucketSettingException;
import io.sluice.platform.storage.ObjectStore;

/** The models bucket the evaluation service remembers decisions in, as named by sluice.project and sluice.env. */
class BucketNamingTests {

    @TempDir
    Path dataDir;

    /** The service's settings (its application.yaml and platform's defaults) and the decision store built from them. */
    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(EvaluationProperties.class)
    @ImportAutoConfiguration({ValidationAutoConfiguration.class, SluiceStorageAutoConfiguration.class})
    static class Decisions {

        @Bean
        DecisionStore decisionStore(ObjectStore store, EvaluationProperties properties) {
            return new EvaluationConfiguration().decisionStore(store, properties);
        }
    }

    /** Starts the settings with command-line arguments, which win over application.yaml and platform's defaults. */
    private ConfigurableApplicationContext start(String... properties) {
        List<String> args = new ArrayList<>(List.of("--sluice.data-dir=" + dataDir, "--spring.main.banner-mode=off"));
        for (String property : properties) {
            args.add("--" + property);
        }
        return new SpringApplicationBuilder(Decisions.class).web(WebApplicationType.NONE).run(args.toArray(String[]::new));
    }

    @Test
    void remembersDecisionsInTheBucketNamedByProjectAndEnvironment() {
        try (ConfigurableApplicationContext context = start("sluice.project=acme", "sluice.env=test")) {
            URI decision = context.getBean(DecisionStore.class).uri("digits", "v1");
            assertThat(Path.of(decision)).isEqualTo(dataDir.resolve("buckets/acme-test-models/evaluations/digits/v1/decision.json"));
        }
    }

    @Test
    void keepsTheLocalStacksBucketWithoutProjectAndAnExplicitOneAlways() {
        try (ConfigurableApplicationContext context = start()) {
            assertThat(Path.of(context.getBean(DecisionStore.class).uri("digits", "v1")))
                    .isEqualTo(dataDir.resolve("buckets/sluice-local-models/evaluations/digits/v1/decision.json"));
        }
        try (ConfigurableApplicationContext context = start("sluice.project=acme", "sluice.env=test",
                "sluice.buckets.models=file:" + dataDir.resolve("buckets/kept-models") + "/")) {
            assertThat(Path.of(context.getBean(DecisionStore.class).uri("digits", "v1")))
                    .isEqualTo(dataDir.resolve("buckets/kept-models/evaluations/digits/v1/decision.json"));
        }
    }

    @Test
    void doesNotStartWithAnEnvironmentThatCannotNameABucket() {
        assertThatThrownBy(() -> start("sluice.project=acme", "sluice.env=Prod"))
                .isInstanceOf(InvalidBucketSettingException.class).hasMessageContaining("sluice.env 'Prod' cannot name buckets");
    }
}
