package io.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The options of {@code ./sluice up}: port offset and per-service settings. */
class LocalStackOptionsTests {

    @Test
    void keepsTheDesignPortsAndNoExtraSettingsByDefault() {
        LocalStack.Options options = LocalStack.Options.parse(new String[] {"up"});

        assertThat(options.portOffset()).isZero();
        assertThat(options.argsOf("training-service")).isEmpty();
        assertThat(Service.named("console").healthUrl(options.portOffset())).isEqualTo("http://localhost:8080/actuator/health");
    }

    @Test
    void passesSettingsToOneServiceOrToAllAndShiftsThePorts() {
        LocalStack.Options options = LocalStack.Options.parse(new String[] {"up", "--port-offset", "1000",
                "--set", "training-service:sluice.training.defaults.max-epochs=3", "--set", "*:logging.level.root=WARN",
                "--set", "deployment-service:sluice.deployment.steps=50,100"});

        assertThat(options.argsOf("training-service")).containsExactly("--logging.level.root=WARN", "--sluice.training.defaults.max-epochs=3");
        assertThat(options.argsOf("deployment-service")).containsExactly("--logging.level.root=WARN", "--sluice.deployment.steps=50,100");
        assertThat(options.argsOf("console")).containsExactly("--logging.level.root=WARN");
        assertThat(Service.named("inference-service").port(options.portOffset())).isEqualTo(9082);
    }

    @Test
    void refusesASettingWithoutServiceOrValue() {
        for (String bad : List.of("sluice.x=1", "training-service:sluice.x", ":a=b")) {
            assertThatThrownBy(() -> LocalStack.Options.parse(new String[] {"up", "--set", bad}))
                    .isInstanceOf(LocalStack.UsageException.class).hasMessageContaining("SERVICE:property=value");
        }
    }
}
