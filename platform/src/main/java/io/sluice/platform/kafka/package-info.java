/** Kafka plumbing every service shares: clients built from Spring's Kafka settings, topic creation, key-to-partition mapping. */
package io.sluice.platform.kafka;
