package io.sluice.platform.kafka;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.utils.Utils;

/** Which partition a keyed record lands in: the producers' default partitioner (murmur2 of the key bytes). */
public final class Partitions {

    private Partitions() {}

    /** The partition of a String key among {@code count} partitions, as Kafka's default partitioner picks it. */
    public static int of(String key, int count) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % count;
    }
}
