package io.sluice.training.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

/** A model's owner is the consumer of the partition Kafka's producer writes its requests to. */
class TrainingOwnershipTests {

    @Test
    void placesAModelOnThePartitionKafkasProducerPicksForItsName() {
        for (String model : List.of("digits", "churn", "churn-v2", "shapes", "handover", "m.1")) {
            for (int partitions : new int[] {1, 3, 6, 7}) {
                assertThat(TrainingOwnership.partition(model, partitions))
                        .isEqualTo(BuiltInPartitioner.partitionForKey(model.getBytes(StandardCharsets.UTF_8), partitions));
            }
        }
    }
}
