package io.sluice.events.codec;

import org.apache.avro.Schema;

/**
 * A Confluent-compatible schema registry (for example Apicurio's {@code ccompat} API): the seam
 * for {@link WireFormat#CONFLUENT}. Implementations cache; both calls may block on the network.
 */
public interface SchemaRegistry {

    /** The id of the schema under the subject, registering it when it is new. */
    int register(String subject, Schema schema);

    /** The schema with this id; throws when the registry does not know it. */
    Schema schemaById(int id);
}
