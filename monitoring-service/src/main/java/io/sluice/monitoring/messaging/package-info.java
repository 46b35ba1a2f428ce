/** The analysis loops that turn window aggregates into verdicts, drift and retraining events, and their Avro mapping. */
package io.sluice.monitoring.messaging;
