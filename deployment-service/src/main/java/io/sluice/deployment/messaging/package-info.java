/** Kafka side of the deployment-service: consumers, the publisher, Avro ↔ domain mapping and the start-up recovery. */
package io.sluice.deployment.messaging;
