package io.sluice.platform.storage;

/**
 * An {@link ObjectStore} for some URI schemes (local files, GCS, OBS). Services inject the
 * {@link ObjectStores} that dispatches between all adapters; declare adapters as beans of this type.
 */
public interface ObjectStoreAdapter extends ObjectStore {}
