package io.sluice.platform.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import io.sluice.platform.storage.obs.ObsStorageProperties;

/** The shared defaults as a service sees them, under the names users set. */
class SluiceDefaultsTests {

    @Test
    void takesObsKeysFromTheShortVariablesUnlessTheSpringNamesAreSet() {
        StandardEnvironment environment = environment(Map.of("SLUICE_OBS_ACCESS_KEY", "short-ak", "SLUICE_OBS_SECRET_KEY", "short-sk"));
        ObsStorageProperties obs = bind(environment);
        assertThat(obs.accessKey()).isEqualTo("short-ak");
        assertThat(obs.secretKey()).isEqualTo("short-sk");
        assertThat(obs.toString()).doesNotContain("short-ak", "short-sk");

        environment.getPropertySources().addFirst(new SystemEnvironmentPropertySource("env", Map.of("SLUICE_STORAGE_OBS_ACCESS_KEY", "spring-ak")));
        assertThat(bind(environment).accessKey()).isEqualTo("spring-ak");
    }

    @Test
    void leavesObsKeysEmptyWhenNothingIsSet() {
        ObsStorageProperties obs = bind(environment(Map.of()));
        assertThat(obs.accessKey()).isEmpty();
        assertThat(obs.endpoint()).isEmpty();
    }

    private static StandardEnvironment environment(Map<String, Object> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().addFirst(new MapPropertySource("variables", variables));
        new SluiceDefaultsEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
        return environment;
    }

    private static ObsStorageProperties bind(StandardEnvironment environment) {
        return Binder.get(environment).bindOrCreate("sluice.storage.obs", ObsStorageProperties.class);
    }
}
