package io.sluice.console.cli;

import io.sluice.platform.storage.ObjectStoreAdapter;

/** Opens the object store that serves a bucket's scheme; {@code sluice upload} closes it when it is {@link AutoCloseable}. Tests substitute local fakes. */
@FunctionalInterface
interface StoreFactory {

    /** The real adapters: {@code file:}, {@code gs:} (google-cloud-storage) and {@code obs:} (esdk-obs-java), configured by the settings. */
    StoreFactory DEFAULT = StoreSettings::openStore;

    ObjectStoreAdapter open(StoreSettings settings);
}
