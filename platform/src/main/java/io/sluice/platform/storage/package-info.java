/** Where datasets and model artifacts live: the {@link io.sluice.platform.storage.ObjectStore} port and its local adapter. */
package io.sluice.platform.storage;
