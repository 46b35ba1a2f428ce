package io.sluice.platform.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.kafka.Partitions;
import io.sluice.platform.testkit.SluiceKafka;

/** One owner per key: the keys of the partitions the group assigns, as a real consumer reports them. */
class OwnedPartitionsTests {

    @RegisterExtension
    static SluiceKafka kafka = new SluiceKafka(6);

    static final List<String> KEYS = IntStream.range(0, 40).mapToObj(i -> "model-" + i).toList();

    @Test
    void placesAKeyOnThePartitionKafkasProducerPicksForIt() {
        for (String key : List.of("digits", "churn", "churn-v2", "m.1", "sluice-prod-raw-data/asl", "a-very-long-dataset-name.v2")) {
            for (int partitions : new int[] {1, 3, 6, 7}) {
                assertThat(Partitions.of(key, partitions))
                        .isEqualTo(BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions));
            }
        }
    }

    @Test
    void ownsTheKeysOfAssignedPartitionsWhileTheOwnerAdoptsThemAndNoLongerWhileItHandsThemOver() {
        List<String> seen = new ArrayList<>();
        OwnedPartitions[] ownership = new OwnedPartitions[1];
        ownership[0] = new OwnedPartitions("test", "in-0", new OwnedPartitions.Owner() {
            @Override
            public void assigned(Set<Integer> partitions) {
                seen.add("assigned " + partitions + " owning " + KEYS.stream().filter(ownership[0]::owns).count());
            }

            @Override
            public void revoked(Set<Integer> partitions) {
                seen.add("revoked " + partitions + " owning " + KEYS.stream().filter(ownership[0]::owns).count());
            }

            @Override
            public void rebalanced() {
                seen.add("rebalanced");
            }
        });
        OwnedPartitions owned = ownership[0];
        String topic = SluiceTopics.TRAINING;
        long inZeroAndTwo = KEYS.stream().filter(k -> Set.of(0, 2).contains(Partitions.of(k, 6))).count();
        long inZero = KEYS.stream().filter(k -> Partitions.of(k, 6) == 0).count();

        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            assertThat(owned.owns("model-1")).isFalse(); // nothing known before the first assignment
            owned.onPartitionsAssigned("other-in-0", consumer, List.of(new TopicPartition(topic, 1)), true);
            assertThat(owned.owned()).isEmpty(); // another binding's assignment decides nothing

            owned.onPartitionsAssigned("in-0", consumer, List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 2)), true);
            assertThat(owned.owned()).containsExactlyInAnyOrder(0, 2);
            assertThat(KEYS).filteredOn(owned::owns).allMatch(k -> Set.of(0, 2).contains(owned.partitionOf(k))).hasSize((int) inZeroAndTwo);

            owned.onPartitionsRevokedBeforeCommit("in-0", consumer, List.of(new TopicPartition(topic, 2)));
            owned.onPartitionsAssigned("in-0", consumer, List.of(new TopicPartition(topic, 0)), false);
            assertThat(owned.owned()).containsExactly(0);
        }
        assertThat(seen).containsExactly("assigned [0, 2] owning " + inZeroAndTwo, "rebalanced",
                "revoked [2] owning " + inZero, "rebalanced");
        assertThat(owned.status().current()).isTrue();
    }
}
