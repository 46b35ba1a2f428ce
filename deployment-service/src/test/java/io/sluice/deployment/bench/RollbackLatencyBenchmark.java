package io.sluice.deployment.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.sluice.deployment.DeploymentServiceApplication;
import io.sluice.events.CanaryDegraded;
import io.sluice.events.DeploymentState;
import io.sluice.events.Events;
import io.sluice.events.ModelApproved;
import io.sluice.events.PredictionFeedback;
import io.sluice.events.ReleasePhase;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.testkit.SluiceKafka;

/**
 * How long from a {@code CanaryDegraded} on the broker until a reader sees the routing table with the canary removed, against
 * the broker's own one-way latency (publish, then a polling reader sees it) measured in the same run.
 *
 * <pre>mvn -B -q -pl deployment-service test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.sluice.deployment.bench.RollbackLatencyBenchmark [-Dexec.args=30]</pre>
 */
public final class RollbackLatencyBenchmark {

    private final Map<String, CompletableFuture<Long>> arrivals = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    public static void main(String[] args) throws Exception {
        System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES", "io.sluice.events");
        System.setProperty("ai.djl.offline", "true");
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        new RollbackLatencyBenchmark().run(rounds);
        System.exit(0);
    }

    void run(int rounds) throws Exception {
        SluiceKafka kafka = new SluiceKafka().start();
        ConfigurableApplicationContext app = new SpringApplicationBuilder(DeploymentServiceApplication.class).properties(
                "spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "spring.cloud.stream.kafka.binder.brokers=" + kafka.bootstrapServers(), "server.port=0",
                "sluice.data-dir=" + System.getProperty("java.io.tmpdir") + "/sluice-bench-deployment",
                "logging.level.root=WARN").run();
        Thread reader = new Thread(() -> read(kafka), "bench-reader");
        reader.start();
        try {
            List<String> models = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                String model = "bench-" + i;
                models.add(model);
                approve(kafka, model, "v1");
                approve(kafka, model, "v2");
            }
            for (String model : models) { // wait until each canary runs
                await("canary:" + model, Duration.ofSeconds(60));
            }
            List<Long> baseline = new ArrayList<>();
            List<Long> rollback = new ArrayList<>();
            for (String model : models) {
                PredictionFeedback feedback = Events.predictionFeedback().build();
                CompletableFuture<Long> seen = arrivals.computeIfAbsent("feedback:" + feedback.getRequestId(), k -> new CompletableFuture<>());
                long start = System.nanoTime();
                kafka.publish(SluiceTopics.FEEDBACK, feedback.getRequestId(), feedback);
                baseline.add(seen.get(30, TimeUnit.SECONDS) - start);

                CanaryDegraded degraded = Events.canaryDegraded().setModelName(model).setCanaryVersion("v2").setStepIndex(0).build();
                CompletableFuture<Long> rolledBack = arrivals.computeIfAbsent("rolled-back:" + model, k -> new CompletableFuture<>());
                start = System.nanoTime();
                kafka.publish(SluiceTopics.MONITORING, model, degraded);
                rollback.add(rolledBack.get(30, TimeUnit.SECONDS) - start);
            }
            report("broker one-way (baseline)", baseline);
            report("degraded verdict -> routing table without canary", rollback);
            System.out.printf("ratio of medians: %.2f%n", (double) median(rollback) / median(baseline));
        } finally {
            running = false;
            reader.join(5000);
            app.close();
            kafka.stop();
        }
    }

    private static void approve(SluiceKafka kafka, String model, String version) {
        ModelApproved approved = Events.modelApproved().setModelName(model).setModelVersion(version).build();
        kafka.publish(SluiceTopics.EVALUATIONS, model, approved);
    }

    private long await(String key, Duration timeout) throws Exception {
        return arrivals.computeIfAbsent(key, k -> new CompletableFuture<>()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void read(SluiceKafka kafka) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(SluiceTopics.DEPLOYMENT_STATE, SluiceTopics.FEEDBACK)) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(5))) {
                    long now = System.nanoTime();
                    SpecificRecord event = kafka.codec().decode(record.value());
                    if (event instanceof DeploymentState state) {
                        String key = (state.getPhase() == ReleasePhase.ROLLED_BACK ? "rolled-back:" : state.getPhase() == ReleasePhase.CANARY
                                ? "canary:" : "other:") + state.getModelName();
                        arrivals.computeIfAbsent(key, k -> new CompletableFuture<>()).complete(now);
                    } else if (event instanceof PredictionFeedback feedback) {
                        arrivals.computeIfAbsent("feedback:" + feedback.getRequestId(), k -> new CompletableFuture<>()).complete(now);
                    }
                }
            }
        }
    }

    private static void report(String what, List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        System.out.printf("%-50s n=%d median=%.1f ms p95=%.1f ms max=%.1f ms%n", what, sorted.size(), median(sorted) / 1e6,
                sorted.get((int) Math.ceil(sorted.size() * 0.95) - 1) / 1e6, sorted.get(sorted.size() - 1) / 1e6);
    }

    private static long median(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
