package io.sluice.platform.messaging;

import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.storage.ObjectStore;
import io.sluice.platform.storage.ObjectStoreAdapter;
import io.sluice.platform.storage.ObjectStores;

/**
 * The {@link ObjectStores} services inject: the local {@code file:} store under
 * {@code sluice.storage.local-root}, plus every other {@link ObjectStore} bean (GCS, OBS)
 * a service defines.
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
}
