package io.sluice.platform.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.sluice.platform.messaging.SluiceStorageAutoConfiguration;
import io.sluice.platform.storage.ObjectStores;
import io.sluice.platform.storage.obs.ObsObjectStore;

/** The cloud stores are registered only when configured; the local stack keeps only {@code file:}. */
class GcsAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SluiceStorageAutoConfiguration.class))
            .withPropertyValues("sluice.storage.local-root=" + System.getProperty("java.io.tmpdir") + "/sluice-storage-autoconfig");

    @Test
    void servesOnlyFileUrisWhenNoCloudStoreIsConfigured() {
        runner.run(context -> {
            assertThat(context).doesNotHaveBean(GcsObjectStore.class).doesNotHaveBean(ObsObjectStore.class);
            assertThat(context.getBean(ObjectStores.class).schemes()).containsExactly("file");
        });
    }

    @Test
    void addsTheGsAndObsStoresWhenConfigured() {
        runner.withPropertyValues("sluice.storage.gcs.enabled=true", "sluice.storage.gcs.project-id=sluice-test",
                        "sluice.storage.obs.endpoint=http://127.0.0.1:1", "sluice.storage.obs.access-key=ak",
                        "sluice.storage.obs.secret-key=sk")
                .run(context -> {
                    assertThat(context).hasSingleBean(GcsObjectStore.class).hasSingleBean(ObsObjectStore.class);
                    assertThat(context.getBean(ObjectStores.class).schemes()).containsExactlyInAnyOrder("file", "gs", "obs");
                });
    }
}
