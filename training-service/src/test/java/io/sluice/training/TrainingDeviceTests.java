package io.sluice.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIf;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import ai.djl.Device;

/** {@code sluice.training.device}: auto by default, only auto|cpu|gpu|gpu:N accepted, a missing GPU stops the start. */
class TrainingDeviceTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(TrainingProperties.class)
    static class Settings {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Settings.class)
            .withPropertyValues("sluice.training.models-bucket=file:/tmp/sluice-device-test/models/",
                    "sluice.training.training-bucket=file:/tmp/sluice-device-test/training/",
                    "sluice.training.state=file:/tmp/sluice-device-test/state/", "sluice.training.model-cache-dir=/tmp/sluice-device-test/cache");

    @Test
    void isAutoByDefaultAndRefusesWhatIsNotADevice() {
        runner.run(context -> assertThat(context.getBean(TrainingProperties.class).device()).isEqualTo("auto"));
        runner.withPropertyValues("sluice.training.device=gpu:1")
                .run(context -> assertThat(context.getBean(TrainingProperties.class).device()).isEqualTo("gpu:1"));
        for (String invalid : new String[] {"tpu", "gpu:x", "cuda:0"}) {
            runner.withPropertyValues("sluice.training.device=" + invalid).run(context -> assertThat(context).hasFailed()
                    .getFailure().hasStackTraceContaining("must be auto, cpu, gpu or gpu:N"));
        }
    }

    @Test
    @DisabledIf("io.sluice.models.Devices#gpuPresent")
    void trainsOnTheCpuHereAndDoesNotStartWhenAGpuIsAskedFor() {
        assertThat(TrainingConfiguration.device("auto")).isEqualTo(Device.cpu());
        assertThat(TrainingConfiguration.device("cpu")).isEqualTo(Device.cpu());
        assertThatThrownBy(() -> TrainingConfiguration.device("gpu")).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("sluice.training.device=gpu: ").hasMessageContaining("no GPU on this machine");
    }
}
