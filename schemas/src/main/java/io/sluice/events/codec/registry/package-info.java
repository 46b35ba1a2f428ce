/** The client of a Confluent-compatible schema registry (Apicurio's {@code ccompat} API, or Confluent's own). */
package io.sluice.events.codec.registry;
