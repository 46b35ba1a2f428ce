package io.sluice.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import io.sluice.platform.storage.ObjectStoreAdapter;
import io.sluice.platform.storage.ObjectStores;
import io.sluice.platform.storage.StoredObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.events.DatasetReady;
import io.sluice.events.DatasetRejected;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.testkit.SluiceKafka;

/**
 * The owner of a dataset is killed with SIGKILL (its own JVM: no shutdown, no leaving the group)
 * while it assembles the dataset; the other replica, already running on the same buckets, inherits
 * the partition (at once on joining, or after the dead one's session times out), finds the
 * completed dataset by its scan and publishes it exactly once.
 */
class IngestReplicaKillIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @RegisterExtension
    static SluiceKafka kafka = SluiceKafka.cluster(3); // 3 brokers, 3 partitions, 3 replicas

    @Test
    void theSurvivingReplicaPublishesOnceTheDatasetWhoseOwnerWasKilledMidAssembly() throws Exception {
        Path dataDir = Files.createTempDirectory("sluice-ingest-kill");
        FileObjectStore store = new FileObjectStore(dataDir.resolve("buckets"));
        URI dataset = ObjectKeys.resolve(store.bucket("sluice-local-raw-data"), "datasets/killed/");

        Process first = startProcess(dataDir);
        ConfigurableApplicationContext second = null;
        try {
            TestDatasets.writeImages(store, dataset, Map.of("a", 3, "b", 3), 700);
            TestDatasets.markComplete(store, dataset);
            await().atMost(WAIT).until(() -> Files.exists(dataDir.resolve("buckets/holding-killed")));

            second = new SpringApplicationBuilder(IngestServiceApplication.class).run(arguments(dataDir).toArray(String[]::new));
            first.destroyForcibly(); // SIGKILL mid-assembly
            first.waitFor(30, TimeUnit.SECONDS);

            DatasetReady ready = kafka.await(SluiceTopics.DATASETS, DatasetReady.class, e -> e.getDatasetName().equals("killed"), WAIT);
            assertThat(ready.getSampleCount()).isEqualTo(6);

            // the marker again: the survivor, owner now, looks once more and publishes nothing
            ConfigurableApplicationContext survivor = second;
            double before = completed(survivor, "ALREADY_PUBLISHED");
            TestDatasets.markComplete(store, dataset);
            await().atMost(WAIT).until(() -> completed(survivor, "ALREADY_PUBLISHED") > before);
            assertThat(kafka.events(SluiceTopics.DATASETS)).filteredOn(e -> e instanceof DatasetReady r && r.getDatasetName().equals("killed")
                    || e instanceof DatasetRejected j && j.getDatasetName().equals("killed")).hasSize(1);
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.close();
            }
        }
    }

    private static double completed(ConfigurableApplicationContext replica, String outcome) {
        var counter = replica.getBean(MeterRegistry.class).find("sluice.ingest.datasets.completed").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    /** The first replica in a JVM of its own (this test's class path) whose reads of the dataset stand still; output to a file. */
    private static Process startProcess(Path dataDir) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:TieredStopAtLevel=1", "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.sluice.events",
                "-cp", System.getProperty("java.class.path"), IngestServiceApplication.class.getName()));
        command.addAll(arguments(dataDir));
        command.add("--spring.main.sources=" + HoldReads.class.getName());
        command.add("--test.hold-dataset=killed");
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dataDir.resolve("first-replica.log").toFile()).start();
    }

    private static List<String> arguments(Path dataDir) {
        return List.of(
                "--server.port=0",
                "--sluice.data-dir=" + dataDir,
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--spring.cloud.stream.kafka.binder.brokers=" + kafka.bootstrapServers(),
                "--sluice.ingest.quiet-period=1h",
                "--sluice.ingest.parallelism=1",
                "--sluice.ingest.validation.min-samples-per-class=3");
    }

    /**
     * Test hook for a replica in its own JVM ({@code --spring.main.sources}): the local buckets under
     * {@code sluice.storage.local-root}, except that reading a file of the raw dataset named by
     * {@code test.hold-dataset} writes {@code <local-root>/holding-<dataset>} and then stands still
     * until the process is killed — a replica caught mid-assembly.
     */
    @Configuration(proxyBeanMethods = false)
    static class HoldReads {

        @Bean
        @Primary
        ObjectStores objectStores(Environment environment) {
            Path root = Path.of(environment.getRequiredProperty("sluice.storage.local-root"));
            String held = environment.getRequiredProperty("test.hold-dataset");
            FileObjectStore files = new FileObjectStore(root);
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
                    if (object.getPath().contains("/sluice-local-raw-data/datasets/" + held + "/")) {
                        Files.write(root.resolve("holding-" + held), new byte[0]);
                        try {
                            new CountDownLatch(1).await(); // until the process is killed
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
