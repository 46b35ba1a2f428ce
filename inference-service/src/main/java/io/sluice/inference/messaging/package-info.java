/** Kafka side: the routing table consumer and the asynchronous telemetry and feedback publisher. */
package io.sluice.inference.messaging;
