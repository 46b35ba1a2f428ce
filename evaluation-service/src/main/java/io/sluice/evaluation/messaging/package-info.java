/** Kafka side: the sluice.training consumer, the evaluation runner that publishes decisions, and the Avro mapping. */
package io.sluice.evaluation.messaging;
