/** Kafka bindings: DatasetReady and RetrainingRequested in, the routing table in, training events out. */
package io.sluice.training.messaging;
