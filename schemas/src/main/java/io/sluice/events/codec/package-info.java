/**
 * The wire format of Sluice events: Avro single-object encoding by default, Confluent registry
 * framing as an option, both decoded against every historical writer schema.
 */
package io.sluice.events.codec;
