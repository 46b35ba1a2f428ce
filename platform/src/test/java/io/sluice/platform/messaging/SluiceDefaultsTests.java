package io.sluice.platform.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import io.sluice.events.codec.WireFormat;
import io.sluice.events.codec.WireSettings;
import io.sluice.platform.storage.InvalidBucketSettingException;
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

    @Test
    void servesTheLocalBucketsUnderTheDataFolderSetLast() {
        StandardEnvironment environment = environment(Map.of("SLUICE_DATA_DIR", "/srv/sluice"));
        assertThat(environment.getProperty("sluice.buckets.raw-data")).isEqualTo("file:/srv/sluice/buckets/sluice-local-raw-data/");
        // a test's data folder, added after start-up, moves the buckets with it
        environment.getPropertySources().addFirst(new MapPropertySource("test", Map.of("sluice.data-dir", "/tmp/t")));
        assertThat(environment.getProperty("sluice.buckets.models")).isEqualTo("file:/tmp/t/buckets/sluice-local-models/");
    }

    @Test
    void namesBucketsFromProjectAndEnvironmentUnlessOneIsSetExplicitly() {
        StandardEnvironment environment = environment(Map.of("SLUICE_PROJECT", "acme", "SLUICE_ENV", "prod",
                "SLUICE_STORAGE_GCS_ENABLED", "true", "SLUICE_BUCKETS_STAGING", "gs://shared-scratch/"));
        assertThat(Binder.get(environment).bind("sluice.buckets", Bindable.mapOf(String.class, String.class)).get())
                .containsExactlyInAnyOrderEntriesOf(Map.of("raw-data", "gs://acme-prod-raw-data/", "training", "gs://acme-prod-training/",
                        "models", "gs://acme-prod-models/", "staging", "gs://shared-scratch/"));
        assertThat(environment.resolvePlaceholders("${sluice.buckets.staging}training/")).isEqualTo("gs://shared-scratch/training/");
    }

    @Test
    void refusesAnEnvironmentThatCannotNameBucketsAtStartUp() {
        assertThatThrownBy(() -> environment(Map.of("SLUICE_PROJECT", "Acme Corp", "SLUICE_ENV", "prod")))
                .isInstanceOf(InvalidBucketSettingException.class).hasMessageContaining("sluice.project 'Acme Corp' cannot name buckets");
    }

    @Test
    void passesTheWireFormatToEveryBindingsSerdesAndTheCodecBean() {
        StandardEnvironment environment = environment(Map.of("SLUICE_EVENTS_WIRE_FORMAT", "confluent",
                "SLUICE_EVENTS_REGISTRY_URL", "http://registry:8088/apis/ccompat/v7"));
        String binder = "spring.cloud.stream.kafka.binder.";
        for (String clientProperties : new String[] {binder + "producer-properties", binder + "consumer-properties"}) {
            assertThat(Binder.get(environment).bind(clientProperties, Bindable.mapOf(String.class, String.class)).get())
                    .containsEntry(WireSettings.WIRE_FORMAT, "confluent")
                    .containsEntry(WireSettings.REGISTRY_URL, "http://registry:8088/apis/ccompat/v7");
        }
        assertThat(new SluiceMessagingAutoConfiguration().eventCodec(environment).writeFormat()).isEqualTo(WireFormat.CONFLUENT);
        assertThat(new SluiceMessagingAutoConfiguration().eventCodec(environment(Map.of())).writeFormat())
                .isEqualTo(WireFormat.SINGLE_OBJECT);
    }

    private static StandardEnvironment environment(Map<String, Object> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().addFirst(new SystemEnvironmentPropertySource("variables", variables));
        ConfigurationPropertySources.attach(environment);
        new SluiceDefaultsEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
        return environment;
    }

    private static ObsStorageProperties bind(StandardEnvironment environment) {
        return Binder.get(environment).bindOrCreate("sluice.storage.obs", ObsStorageProperties.class);
    }
}
