package io.sluice.platform.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.sluice.events.Events;
import io.sluice.platform.testkit.SluiceKafka;

/** Replays on a real broker: what is there before, what comes after, and what cannot be decoded. */
class TopicReplayTests {

    @RegisterExtension
    static SluiceKafka kafka = new SluiceKafka();

    @Test
    void readsEveryDecodableEventToTheEndAndSkipsTombstonesAndJunk() {
        kafka.publish(SluiceTopics.DATASETS, "a", Events.datasetReady().setDatasetName("a").build());
        kafka.publishRaw(SluiceTopics.DATASETS, "junk", new byte[] {1, 2, 3});
        kafka.publishRaw(SluiceTopics.DATASETS, "gone", null);
        kafka.publish(SluiceTopics.DATASETS, "b", Events.datasetReady().setDatasetName("b").build());
        kafka.publish(SluiceTopics.TRAINING, "m", Events.trainingStarted().build());

        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicInteger caughtUp = new AtomicInteger();
        TopicReplay.readToEnd(kafka.bootstrapServers(), "replay-test", kafka.codec(), List.of(SluiceTopics.DATASETS, SluiceTopics.TRAINING),
                Duration.ofSeconds(30), new TopicReplay.Listener() {
                    @Override
                    public void onEvent(String topic, String key, SpecificRecord event) {
                        seen.add(topic + "/" + key + "/" + event.getSchema().getName());
                    }

                    @Override
                    public void onCaughtUp() {
                        caughtUp.incrementAndGet();
                    }
                });

        assertThat(seen).containsExactlyInAnyOrder(SluiceTopics.DATASETS + "/a/DatasetReady", SluiceTopics.DATASETS + "/b/DatasetReady",
                SluiceTopics.TRAINING + "/m/TrainingStarted");
        assertThat(seen.indexOf(SluiceTopics.DATASETS + "/a/DatasetReady")).isLessThan(seen.indexOf(SluiceTopics.DATASETS + "/b/DatasetReady"));
        assertThat(caughtUp).hasValue(1);
    }

    @Test
    void followsAfterCatchingUpAndSaysWhenItCaughtUp() throws Exception {
        kafka.publish(SluiceTopics.MONITORING, "before", Events.driftDetected().build());
        List<String> keys = new CopyOnWriteArrayList<>();
        List<Integer> seenWhenCaughtUp = new CopyOnWriteArrayList<>();
        try (TopicReplay replay = TopicReplay.follow(kafka.bootstrapServers(), "follow-test", kafka.codec(), List.of(SluiceTopics.MONITORING),
                new TopicReplay.Listener() {
                    @Override
                    public void onEvent(String topic, String key, SpecificRecord event) {
                        keys.add(key);
                    }

                    @Override
                    public void onCaughtUp() {
                        seenWhenCaughtUp.add(keys.size());
                    }
                })) {
            assertThat(replay.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
            assertThat(seenWhenCaughtUp).containsExactly(1);

            kafka.publish(SluiceTopics.MONITORING, "after", Events.driftDetected().build());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!keys.contains("after") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(keys).containsExactly("before", "after");
        }
    }

    @Test
    void deliversNothingForATopicThatDoesNotExistAndStillCatchesUp() {
        List<SpecificRecord> seen = new CopyOnWriteArrayList<>();
        TopicReplay.readToEnd(kafka.bootstrapServers(), "missing-test", kafka.codec(), List.of("sluice.no-such-topic"),
                Duration.ofSeconds(30), (topic, key, event) -> seen.add(event));
        assertThat(seen).isEmpty();
    }
}
