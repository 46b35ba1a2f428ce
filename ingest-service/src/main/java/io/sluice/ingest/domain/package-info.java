/** Dataset assembly, validation and versioning: plain Java, no Spring, Kafka or Avro. */
package io.sluice.ingest.domain;
