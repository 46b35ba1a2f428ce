package io.sluice.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.events.DatasetReady;
import io.sluice.events.DatasetRejected;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.storage.ObjectStoreAdapter;
import io.sluice.platform.storage.ObjectStores;
import io.sluice.platform.storage.StoredObject;
import io.sluice.platform.messaging.OwnedPartitions;
import io.sluice.platform.testkit.SluiceKafka;

/**
 * Two ingest replicas (two Spring contexts) on one bucket folder and a 3-broker embedded KRaft cluster whose
 * notifications topic has 3 partitions on every broker: each dataset is assembled by the replica owning its
 * partition and published exactly once; a replica stopped in the middle of assembling a dataset
 * leaves it to the other, which publishes it once.
 */
class IngestReplicasIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Path DATA_DIR = tempDir();
    /** Datasets whose reads block in a holding replica: it stands still mid-assembly until it is stopped. */
    private static final String HELD = "held";
    static final CountDownLatch holding = new CountDownLatch(1);
    static final CountDownLatch stopped = new CountDownLatch(1);

    @RegisterExtension
    static SluiceKafka kafka = SluiceKafka.cluster(3); // 3 brokers, 3 partitions, 3 replicas

    private final FileObjectStore store = new FileObjectStore(DATA_DIR.resolve("buckets"));
    private final URI raw = store.bucket("sluice-local-raw-data");

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("sluice-ingest-replicas");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void releaseHeldReads() {
        stopped.countDown();
    }

    private ConfigurableApplicationContext replica(String name, Class<?>... extra) {
        Class<?>[] sources = Stream.concat(Stream.of(IngestServiceApplication.class), Stream.of(extra)).toArray(Class<?>[]::new);
        // arguments, so that they win over the shared defaults (sluice-defaults.yaml) and the environment
        return new SpringApplicationBuilder(sources).run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--spring.cloud.stream.kafka.binder.brokers=" + kafka.bootstrapServers(),
                "--sluice.data-dir=" + DATA_DIR,
                "--sluice.ingest.quiet-period=1h",
                "--sluice.ingest.parallelism=1",
                "--sluice.ingest.validation.min-samples-per-class=3",
                "--HOSTNAME=" + name);
    }

    private URI dataset(String name) {
        return ObjectKeys.resolve(raw, "datasets/" + name + "/");
    }

    @Test
    void eachDatasetIsAssembledByItsOwnerAndPublishedOnceAndAStoppedOwnersDatasetIsFinishedByTheOther() throws Exception {
        ConfigurableApplicationContext first = replica("first", HoldingStore.class);
        ConfigurableApplicationContext second = null;
        try {
            await().atMost(WAIT).until(() -> ownedPartitions(first) == 3);
            TestDatasets.writeImages(store, dataset(HELD), Map.of("a", 3, "b", 3), 500);
            TestDatasets.markComplete(store, dataset(HELD));
            assertThat(holding.await(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).as("first replica assembling").isTrue();

            second = replica("second");
            ConfigurableApplicationContext secondReplica = second;
            await().atMost(WAIT).until(() -> ownedPartitions(secondReplica) > 0);
            first.close(); // mid-assembly: its worker is interrupted, its partitions go to the second replica

            DatasetReady held = kafka.await(SluiceTopics.DATASETS, DatasetReady.class, e -> e.getDatasetName().equals(HELD), WAIT);
            assertThat(held.getSampleCount()).isEqualTo(6);
            await().atMost(WAIT).until(() -> ownedPartitions(secondReplica) == 3);

            // the second replica now owns every partition; a third joins and the work is split again
            ConfigurableApplicationContext third = replica("third");
            try {
                await().atMost(WAIT).until(() -> ownedPartitions(third) > 0 && ownedPartitions(secondReplica) > 0
                        && ownedPartitions(third) + ownedPartitions(secondReplica) == 3);
                List<String> names = List.of("d1", "d2", "d3", "d4", "d5", "d6");
                for (int i = 0; i < names.size(); i++) {
                    TestDatasets.writeImages(store, dataset(names.get(i)), Map.of("x", 3, "y", 3), 1000 + 100 * i);
                    TestDatasets.markComplete(store, dataset(names.get(i)));
                }
                for (String name : names) {
                    kafka.await(SluiceTopics.DATASETS, DatasetReady.class, e -> e.getDatasetName().equals(name), WAIT);
                }
                // every marker again, on both replicas' watchers: each owner looks once more and publishes nothing
                double before = completed(secondReplica, "ALREADY_PUBLISHED") + completed(third, "ALREADY_PUBLISHED");
                for (String name : names) {
                    TestDatasets.markComplete(store, dataset(name));
                }
                TestDatasets.markComplete(store, dataset(HELD));
                await().atMost(WAIT).until(() -> completed(secondReplica, "ALREADY_PUBLISHED") + completed(third, "ALREADY_PUBLISHED")
                        >= before + names.size() + 1);

                assertThat(completed(secondReplica, "READY") + completed(third, "READY")).isEqualTo(names.size() + 1);
                for (String name : Stream.concat(names.stream(), Stream.of(HELD)).toList()) {
                    assertThat(datasetEvents(name)).as(name).hasSize(1);
                }
            } finally {
                third.close();
            }
        } finally {
            stopped.countDown();
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    private static int ownedPartitions(ConfigurableApplicationContext replica) {
        return replica.getBean(OwnedPartitions.class).owned().size();
    }

    private static double completed(ConfigurableApplicationContext replica, String outcome) {
        var counter = replica.getBean(MeterRegistry.class).find("sluice.ingest.datasets.completed").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    private List<Object> datasetEvents(String name) {
        return kafka.events(SluiceTopics.DATASETS).stream().filter(e ->
                e instanceof DatasetReady r && r.getDatasetName().equals(name)
                        || e instanceof DatasetRejected r2 && r2.getDatasetName().equals(name)).map(e -> (Object) e).toList();
    }

    /** The replica's store: the real local buckets, except that reading a file of the held dataset stands still until the test ends. */
    @Configuration(proxyBeanMethods = false)
    static class HoldingStore {

        @Bean
        @Primary
        ObjectStores objectStores() {
            FileObjectStore files = new FileObjectStore(DATA_DIR.resolve("buckets"));
            return new ObjectStores(List.of(new ObjectStoreAdapter() {
                @Override
                public Set<String> schemes() {
                    return files.schemes();
                }

                @Override
                public Stream<StoredObject> list(URI prefix) throws IOException {
                    return files.list(prefix);
                }

                @Override
                public Optional<StoredObject> stat(URI object) throws IOException {
                    return files.stat(object);
                }

                @Override
                public InputStream open(URI object) throws IOException {
                    if (object.getPath().contains("/sluice-local-raw-data/datasets/" + HELD + "/")) {
                        holding.countDown();
                        try {
                            stopped.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        throw new InterruptedIOException("replica stopped");
                    }
                    return files.open(object);
                }

                @Override
                public byte[] read(URI object) throws IOException {
                    try (InputStream in = open(object)) {
                        return in.readAllBytes();
                    }
                }

                @Override
                public void put(URI object, Path source) throws IOException {
                    files.put(object, source);
                }

                @Override
                public void put(URI object, byte[] content) throws IOException {
                    files.put(object, content);
                }

                @Override
                public boolean createIfAbsent(URI object, byte[] content) throws IOException {
                    return files.createIfAbsent(object, content);
                }

                @Override
                public boolean delete(URI object) throws IOException {
                    return files.delete(object);
                }
            }));
        }
    }
}
