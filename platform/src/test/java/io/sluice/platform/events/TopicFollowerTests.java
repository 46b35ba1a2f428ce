package io.sluice.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.sluice.events.DatasetReady;
import io.sluice.events.Events;
import io.sluice.events.codec.EventCodec;
import io.sluice.platform.kafka.KafkaClients;
import io.sluice.platform.kafka.Partitions;
import io.sluice.platform.testkit.RestartableBroker;

/** State derived from topics on a real broker that is stopped and started again in the middle. */
class TopicFollowerTests {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final int PARTITIONS = 3;
    static RestartableBroker broker;
    static KafkaClients clients;
    static final EventCodec codec = EventCodec.singleObject();

    @BeforeAll
    static void start() throws Exception {
        broker = new RestartableBroker(PARTITIONS).start();
        broker.createTopics();
        clients = KafkaClients.forBootstrap(broker.bootstrapServers());
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void replaysThenFollowsSkippingJunkAndTombstonesAndSaysOnceWhenCaughtUp() throws Exception {
        publish(SluiceTopics.DATASETS, "a", codec.encode(dataset("a")));
        publish(SluiceTopics.DATASETS, "junk", new byte[] {1, 2, 3});
        publish(SluiceTopics.DATASETS, "gone", null);
        publish(SluiceTopics.DATASETS, "a", codec.encode(dataset("a2")));
        List<String> seen = new CopyOnWriteArrayList<>();
        List<Integer> seenWhenCaughtUp = new CopyOnWriteArrayList<>();
        try (TopicFollower follower = new TopicFollower("follow-test", clients, codec, List.of(SluiceTopics.DATASETS, "sluice.no-such-topic"),
                new TopicFollower.Listener() {
                    @Override
                    public void onEvent(String topic, String key, SpecificRecord event) {
                        seen.add(((DatasetReady) event).getDatasetName());
                    }

                    @Override
                    public void onCaughtUp() {
                        seenWhenCaughtUp.add(seen.size());
                    }
                }, Duration.ofMillis(500))) {
            assertThat(follower.status().current()).isFalse();
            follower.start();
            assertThat(follower.awaitCaughtUp(WAIT)).isTrue();
            assertThat(seen).containsExactly("a", "a2");
            assertThat(seenWhenCaughtUp).containsExactly(2);
            assertThat(follower.status().current()).isTrue();

            publish(SluiceTopics.DATASETS, "b", codec.encode(dataset("b")));
            await().atMost(WAIT).until(() -> seen.contains("b"));
            assertThat(seenWhenCaughtUp).containsExactly(2);
        }
    }

    @Test
    void survivesABrokerRestartNotCurrentWhileItIsGoneAndCatchesUpWithoutARestart() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicInteger caughtUp = new AtomicInteger();
        try (TopicFollower follower = new TopicFollower("outage-test", clients, codec, List.of(SluiceTopics.MONITORING),
                new TopicFollower.Listener() {
                    @Override
                    public void onEvent(String topic, String key, SpecificRecord event) {
                        seen.add(key);
                    }

                    @Override
                    public void onCaughtUp() {
                        caughtUp.incrementAndGet();
                    }
                }, Duration.ofMillis(500))) {
            publish(SluiceTopics.MONITORING, "before", codec.encode(Events.driftDetected().build()));
            follower.start();
            await().atMost(WAIT).until(() -> follower.status().current() && seen.contains("before"));

            broker.stop();
            await().atMost(WAIT).until(() -> !follower.status().current());
            assertThat(follower.status().details().get("reason").toString()).contains("cannot read");

            broker.start();
            publish(SluiceTopics.MONITORING, "after", codec.encode(Events.driftDetected().build()));
            await().atMost(WAIT).until(() -> follower.status().current() && seen.contains("after"));
            assertThat(seen).containsExactly("before", "after");
            assertThat(caughtUp).hasValue(1);
        }
    }

    @Test
    void replaysOnlyTheAskedPartitionsToTheirEnd() {
        String mine = "model-in-partition-" + Partitions.of("mine", PARTITIONS);
        publish(SluiceTopics.EVALUATIONS, "mine", codec.encode(Events.modelApproved().setModelName("mine").build()));
        publish(SluiceTopics.EVALUATIONS, "other", codec.encode(Events.modelApproved().setModelName("other").build()));
        int partition = Partitions.of("mine", PARTITIONS);
        assertThat(Partitions.of("other", PARTITIONS)).as(mine).isNotEqualTo(partition);

        List<PartitionReplay.Replayed> replayed = PartitionReplay.readToEnd(clients, "replay-test", codec,
                List.of(new TopicPartition(SluiceTopics.EVALUATIONS, partition)), WAIT);

        assertThat(replayed).extracting(PartitionReplay.Replayed::key).containsExactly("mine");
        assertThat(replayed).allSatisfy(r -> assertThat(r.partition()).isEqualTo(partition));
    }

    private static DatasetReady dataset(String name) {
        return Events.datasetReady().setDatasetName(name).build();
    }

    private static void publish(String topic, String key, byte[] value) {
        try (KafkaProducer<String, byte[]> producer = clients.producer("test")) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
