/** Kafka serdes over the event codec: what the services' bindings, Kafka Streams and the tools use. */
package io.sluice.events.codec.kafka;
