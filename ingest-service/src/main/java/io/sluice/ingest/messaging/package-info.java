/** Kafka bindings: raw notifications in, DatasetReady and DatasetRejected out. */
package io.sluice.ingest.messaging;
