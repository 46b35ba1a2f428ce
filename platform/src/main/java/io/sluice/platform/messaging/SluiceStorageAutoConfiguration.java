package io.sluice.platform.messaging;

import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.storage.ObjectStore;
import io.sluice.platform.storage.ObjectStoreAdapter;
import io.sluice.platform.storage.ObjectStores;
import io.sluice.platform.storage.gcs.GcsObjectStore;
import io.sluice.platform.storage.gcs.GcsStorageProperties;
import io.sluice.platform.storage.obs.ObsObjectStore;
import io.sluice.platform.storage.obs.ObsStorageProperties;

/**
 * The {@link ObjectStores} services inject: the local {@code file:} store under
 * {@code sluice.storage.local-root}, the {@code gs:} store when {@code sluice.storage.gcs.enabled=true},
 * the {@code obs:} store when {@code sluice.storage.obs.endpoint} is set, plus every other
 * {@link ObjectStoreAdapter} bean a service defines. With none of these set only {@code file:} is served.
 */
@AutoConfiguration
@EnableConfigurationProperties(StorageProperties.class)
public class SluiceStorageAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    FileObjectStore fileObjectStore(StorageProperties properties) {
        return new FileObjectStore(properties.localRoot());
    }

    @Bean
    @Primary
    @ConditionalOnMissingBean
    ObjectStores objectStores(ObjectProvider<ObjectStoreAdapter> adapters) {
        List<ObjectStoreAdapter> stores = adapters.orderedStream().toList();
        return new ObjectStores(stores);
    }

    /** Google Cloud Storage, with Application Default Credentials. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "com.google.cloud.storage.Storage")
    @ConditionalOnProperty(prefix = "sluice.storage.gcs", name = "enabled", havingValue = "true")
    @EnableConfigurationProperties(GcsStorageProperties.class)
    static class Gcs {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        GcsObjectStore gcsObjectStore(GcsStorageProperties properties) {
            var options = com.google.cloud.storage.StorageOptions.newBuilder()
                    // one retry policy: the store's resilience4j retry, not the client's as well
                    .setRetrySettings(com.google.cloud.ServiceOptions.getNoRetrySettings());
            if (!properties.projectId().isEmpty()) {
                options.setProjectId(properties.projectId());
            }
            if (!properties.endpoint().isEmpty()) {
                options.setHost(properties.endpoint());
            }
            return new GcsObjectStore(options.build().getService(), properties.timeout(), properties.maxAttempts());
        }
    }

    /** Huawei Cloud OBS. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "com.obs.services.ObsClient")
    @ConditionalOnProperty(prefix = "sluice.storage.obs", name = "endpoint")
    @EnableConfigurationProperties(ObsStorageProperties.class)
    static class Obs {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        ObsObjectStore obsObjectStore(ObsStorageProperties properties) {
            return ObsObjectStore.create(properties);
        }
    }
}
