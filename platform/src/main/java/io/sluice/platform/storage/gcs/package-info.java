/** The {@code gs:} object store: Google Cloud Storage through {@code google-cloud-storage}, with resilience4j retries and timeouts. */
package io.sluice.platform.storage.gcs;
