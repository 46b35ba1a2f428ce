package io.sluice.events.codec;

/** How an event's bytes start; readers accept both, writers use the one configured. */
public enum WireFormat {
    /** {@code C3 01}, the 8-byte little-endian CRC-64-AVRO fingerprint of the writer schema, the body. */
    SINGLE_OBJECT,
    /** {@code 00}, the 4-byte big-endian registry id of the writer schema, the body. */
    CONFLUENT;

    static WireFormat of(byte[] bytes) {
        if (bytes.length >= 10 && bytes[0] == (byte) 0xC3 && bytes[1] == (byte) 0x01) {
            return SINGLE_OBJECT;
        }
        if (bytes.length >= 5 && bytes[0] == 0) {
            return CONFLUENT;
        }
        return null;
    }
}
