package io.sluice.events.codec;

import org.apache.avro.Schema;

/**
 * A Confluent-compatible schema registry (for example Apicurio's {@code ccompat} API): the seam
 * for {@link WireFormat#CONFLUENT}. Implementations cache; both calls may block on the network.
 * The one implementation is {@link io.sluice.events.codec.registry.ConfluentRegistryClient}.
 */
public interface SchemaRegistry {

    /** The id of the schema under the subject, registering it when it is new; throws when the registry refuses it. */
    int register(String subject, Schema schema);

    /**
     * The schema with this id; throws {@link UnavailableException} when the registry cannot be asked,
     * any other runtime exception when it does not know the id.
     */
    Schema schemaById(int id);

    /** The registry could not be reached or failed; a later call may succeed. */
    class UnavailableException extends RuntimeException {
        public UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
