package io.sluice.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIf;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.sluice.inference.domain.InputGuard;
import io.sluice.inference.domain.ModelLoader;
import io.sluice.platform.storage.FileObjectStore;

/** The issue-12 settings: their defaults, the guard's two modes, and values that must not start the service. */
class InferencePropertiesTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(InferenceProperties.class)
    static class Settings {}

    /** The service's own loader bean, built from the settings as at start-up. */
    @Configuration(proxyBeanMethods = false)
    static class Loader {
        @Bean
        ModelLoader modelLoader(InferenceProperties properties, org.springframework.beans.factory.ObjectProvider<io.sluice.inference.domain.ModelHost> host) {
            return new InferenceConfiguration().modelLoader(new FileObjectStore(Path.of("/tmp/sluice-properties-test")), properties, host,
                    java.time.Clock.systemUTC());
        }
    }

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
            assertThat(properties.device()).isEqualTo("auto");
            assertThat(properties.modelDevices()).isEmpty();
            assertThat(properties.cache().maxBytes()).isEqualTo(org.springframework.util.unit.DataSize.ofGigabytes(10));
        });
    }

    @Test
    void flagsInsteadOfRefusingWhenConfigured() {
        runner.withPropertyValues("sluice.inference.input-guard=flag", "sluice.inference.input-tolerance=0.25",
                        "sluice.inference.max-queue-wait=0", "sluice.inference.retain-removed=0", "sluice.inference.cache.max-bytes=512MB")
                .run(context -> {
                    InferenceProperties properties = context.getBean(InferenceProperties.class);
                    assertThat(properties.inputGuard()).isEqualTo(InputGuard.Mode.FLAG);
                    assertThat(properties.inputTolerance()).isEqualTo(0.25);
                    assertThat(properties.maxQueueWait()).isZero();
                    assertThat(properties.retainRemoved()).isZero();
                    assertThat(properties.cache().maxBytes().toMegabytes()).isEqualTo(512);
                });
    }

    @Test
    void doesNotStartWithAnUnknownGuardOrANegativeTolerance() {
        runner.withPropertyValues("sluice.inference.input-guard=ignore").run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("sluice.inference.input-tolerance=-1").run(context -> assertThat(context).hasFailed());
    }

    @Test
    void takesADeviceAndPerModelDevicesAndRefusesAnythingElse() {
        runner.withPropertyValues("sluice.inference.device=cpu", "sluice.inference.model-devices.digits=gpu:1",
                "sluice.inference.model-devices.shapes=gpu").run(context -> {
                    InferenceProperties properties = context.getBean(InferenceProperties.class);
                    assertThat(properties.device()).isEqualTo("cpu");
                    assertThat(properties.modelDevices()).containsEntry("digits", "gpu:1").containsEntry("shapes", "gpu");
                });
        for (String invalid : new String[] {"device=tpu", "device=gpu(0)", "device=gpu:-1", "model-devices.digits=cuda"}) {
            runner.withPropertyValues("sluice.inference." + invalid).run(context -> assertThat(context).hasFailed()
                    .getFailure().hasStackTraceContaining("must be auto, cpu, gpu or gpu:N"));
        }
    }

    @Test
    @DisabledIf("io.sluice.models.Devices#gpuPresent")
    void doesNotStartWhenAGpuIsAskedForAndThereIsNone() {
        runner.withUserConfiguration(Loader.class).withPropertyValues("sluice.inference.device=gpu").run(context -> assertThat(context)
                .hasFailed().getFailure().hasStackTraceContaining("sluice.inference.device=gpu: device 'gpu' asks for GPU 0")
                .hasStackTraceContaining("no GPU on this machine"));
        runner.withUserConfiguration(Loader.class).withPropertyValues("sluice.inference.model-devices.digits=gpu:1")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("sluice.inference.model-devices.digits=gpu:1"));
        runner.withUserConfiguration(Loader.class).run(context -> assertThat(context).as("auto: the CPU here").hasNotFailed());
    }
}
