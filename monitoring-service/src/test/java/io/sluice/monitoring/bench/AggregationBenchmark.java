package io.sluice.monitoring.bench;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import io.sluice.events.EventHeader;
import io.sluice.events.PredictionOutcome;
import io.sluice.events.PredictionServed;
import io.sluice.events.RouteRole;
import io.sluice.events.codec.EventCodec;
import io.sluice.monitoring.MonitoringProperties;
import io.sluice.monitoring.domain.ModelWindow;
import io.sluice.monitoring.streams.EventTimeExtractor;
import io.sluice.monitoring.streams.MonitoringTopology;
import io.sluice.platform.testkit.SluiceKafka;

/**
 * How many PredictionServed events per second this machine aggregates, three ways on the same
 * pre-encoded records: decoding alone (the floor any consumer pays, the baseline), decoding plus
 * the domain aggregation into per-second {@link ModelWindow}s, and the whole Kafka Streams topology
 * (serdes, RocksDB window stores with caching, the feedback join's repartition topic) on one
 * stream thread against an embedded KRaft broker (measured once, after the two in-memory rounds). Run:
 * {@code mvn -B -q -pl monitoring-service test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.sluice.monitoring.bench.AggregationBenchmark [-Dexec.args="1000000"]};
 * {@code -Dbench.stacks=true} prints the stream thread's stack every second while it runs.
 */
public final class AggregationBenchmark {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        // exec:java runs inside Maven's JVM, where surefire's setting does not apply
        System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES", "io.sluice.events");
        EventCodec codec = EventCodec.singleObject();
        List<byte[]> encoded = records(codec, n);
        for (int round = 0; round < 2; round++) { // the first round warms the JIT up
            double decode = measure(n, () -> {
                long sink = 0;
                for (byte[] bytes : encoded) {
                    sink += ((PredictionServed) codec.decode(bytes)).getLatencyMicros();
                }
                return sink;
            });
            double aggregate = measure(n, () -> {
                Map<Long, ModelWindow> windows = new java.util.HashMap<>();
                for (byte[] bytes : encoded) {
                    PredictionServed event = (PredictionServed) codec.decode(bytes);
                    long second = event.getHeader().getOccurredAt().toEpochMilli() / 1000;
                    MonitoringTopology.add(windows.computeIfAbsent(second, s -> new ModelWindow()), event);
                }
                return windows.size();
            });
            if (round == 1) {
                System.out.printf(Locale.ROOT, "%d PredictionServed (2 versions, 10 classes, 2 input stats, 20k/s of event time)%n", n);
                System.out.printf(Locale.ROOT, "%-46s %,12.0f events/s  (x%.2f of baseline)%n", "decode only (baseline)", decode, 1.0);
                System.out.printf(Locale.ROOT, "%-46s %,12.0f events/s  (x%.2f)%n", "decode + domain aggregation (1 s windows)",
                        aggregate, aggregate / decode);
                double topology = topology(encoded);
                System.out.printf(Locale.ROOT, "%-46s %,12.0f events/s  (x%.2f)%n", "Kafka Streams topology, embedded broker",
                        topology, topology / decode);
            }
        }
    }

    private interface Work {
        long run() throws Exception;
    }

    private static double measure(int n, Work work) throws Exception {
        long t0 = System.nanoTime();
        long sink = work.run();
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (sink == Long.MIN_VALUE) {
            System.out.println(sink);
        }
        return n / seconds;
    }

    /**
     * Events per second through the real topology: the records are first produced to an embedded
     * broker, then a KafkaStreams instance is started and timed from RUNNING until its window store
     * has counted every record.
     */
    private static double topology(List<byte[]> encoded) throws Exception {
        SluiceKafka kafka = new SluiceKafka(1).start();
        try {
            Properties producerConfig = new Properties();
            producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 20);
            producerConfig.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig, new StringSerializer(),
                    new ByteArraySerializer())) {
                for (byte[] bytes : encoded) {
                    producer.send(new ProducerRecord<>("sluice.predictions", "bench-model", bytes));
                }
                producer.flush();
            }
            StreamsBuilder builder = new StreamsBuilder();
            MonitoringTopology.build(builder, properties());
            Properties config = new Properties();
            config.put(StreamsConfig.APPLICATION_ID_CONFIG, "monitoring-bench-" + System.nanoTime());
            config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            config.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("monitoring-bench").toString());
            config.put(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, EventTimeExtractor.class);
            config.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
            config.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 10_000);
            config.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 20);
            config.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
            try (KafkaStreams streams = new KafkaStreams(builder.build(), config)) {
                streams.start();
                while (streams.state() != KafkaStreams.State.RUNNING) {
                    Thread.sleep(10);
                }
                long t0 = System.nanoTime();
                long process0 = processCpuNanos();
                long thread0 = streamThreadCpuNanos();
                if (Boolean.getBoolean("bench.stacks")) {
                    Thread sampler = new Thread(() -> {
                        while (true) {
                            Thread.getAllStackTraces().forEach((thread, stack) -> {
                                if (thread.getName().contains("StreamThread")) {
                                    System.out.println("STACK " + java.util.Arrays.stream(stack).limit(14)
                                            .map(Object::toString).collect(java.util.stream.Collectors.joining(" <- ")));
                                }
                            });
                            try {
                                Thread.sleep(1000);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    });
                    sampler.setDaemon(true);
                    sampler.start();
                }
                ReadOnlyWindowStore<String, ModelWindow> store = null;
                while (true) {
                    try {
                        if (store == null) {
                            store = streams.store(StoreQueryParameters.fromNameAndType("served-windows",
                                    QueryableStoreTypes.windowStore()));
                        }
                        long counted = 0;
                        try (WindowStoreIterator<ModelWindow> it = store.fetch("bench-model", Instant.EPOCH,
                                Instant.parse("2100-01-01T00:00:00Z"))) {
                            while (it.hasNext()) {
                                for (var stats : it.next().value.versions().values()) {
                                    counted += stats.requests();
                                }
                            }
                        }
                        if (counted >= encoded.size()) {
                            double rate = encoded.size() / ((System.nanoTime() - t0) / 1e9);
                            System.out.printf(Locale.ROOT, "%-46s %,12.2f us/event (whole JVM incl. broker %,.2f us/event)%n",
                                    "  CPU of the stream thread", (streamThreadCpuNanos() - thread0) / 1e3 / encoded.size(),
                                    (processCpuNanos() - process0) / 1e3 / encoded.size());
                            return rate;
                        }
                    } catch (InvalidStateStoreException notYet) {
                        store = null;
                    }
                    Thread.sleep(50);
                }
            }
        } finally {
            kafka.stop();
        }
    }

    /** CPU time of the Kafka Streams stream threads: a figure other processes on a shared machine barely move. */
    private static long streamThreadCpuNanos() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long total = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().contains("StreamThread")) {
                total += Math.max(0, threads.getThreadCpuTime(thread.getId()));
            }
        }
        return total;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static MonitoringProperties properties() {
        return new MonitoringProperties(100, Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofMinutes(10), "unused",
                new MonitoringProperties.Topics("sluice.predictions", "sluice.feedback", "sluice.deployment-state",
                        "sluice.monitoring", "sluice.training", "sluice.deployments"),
                new MonitoringProperties.Canary(0.005, 0.05, 0.005, 0.03, 0.1, 1.5, 4, 0.1, Duration.ofMillis(10), Duration.ofSeconds(2), 0.05, 0.05, 50, 0.25,
                        Duration.ofSeconds(30), 0.05, 0.8, Duration.ofSeconds(160), 0.5),
                new MonitoringProperties.Drift(Duration.ofMinutes(1), Duration.ofMinutes(15), 200, 0.5, 0.25, 50, 0.8, 0.05,
                        Duration.ofHours(6), Duration.ofMinutes(2)));
    }

    private static List<byte[]> records(EventCodec codec, int n) {
        SplittableRandom random = new SplittableRandom(11);
        long start = System.currentTimeMillis() - n / 20; // event time ends now: the broker keeps what it is given
        List<byte[]> encoded = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            boolean canary = random.nextInt(10) == 0;
            boolean error = random.nextInt(100) == 0;
            EventHeader header = new EventHeader(UUID.randomUUID().toString(), Instant.ofEpochMilli(start + i / 20), "bench@1",
                    null, "bench/0");
            SpecificRecord event = new PredictionServed(header, UUID.randomUUID().toString(), "bench-model", canary ? "v2" : "v1",
                    canary ? RouteRole.CANARY : RouteRole.STABLE, error ? PredictionOutcome.SERVER_ERROR : PredictionOutcome.OK,
                    (long) (20_000 * Math.exp(0.4 * (random.nextDouble() * 4 - 2))), 1, error ? null : "c" + random.nextInt(10),
                    error ? null : 0.5 + random.nextDouble() / 2, Map.of("mean", random.nextDouble(), "std", random.nextDouble()),
                    error ? "boom" : null, 1L, 784L, null, null);
            encoded.add(codec.encode(event));
        }
        return encoded;
    }
}
