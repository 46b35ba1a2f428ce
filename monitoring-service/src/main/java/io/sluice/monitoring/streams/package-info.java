/** Kafka Streams adapter: windowed aggregation of predictions and feedback, the routing table, and queries on them. */
package io.sluice.monitoring.streams;
