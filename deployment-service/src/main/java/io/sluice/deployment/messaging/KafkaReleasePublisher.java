package io.sluice.deployment.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.support.MessageBuilder;

import io.sluice.deployment.domain.ReleaseEvent;
import io.sluice.deployment.domain.ReleasePublisher;
import io.sluice.deployment.domain.RoutingTable;

/**
 * Publishes release events and routing-table entries through the output bindings (synchronous sends), keyed by model name. A
 * failed send is retried with backoff (100 ms doubling to 5 s) for up to {@code publishTimeout}, never dropped: the state
 * moves only after both writes succeeded, and the input is redelivered if they never do.
 */
final class KafkaReleasePublisher implements ReleasePublisher {

    /** Output binding of the release events (destination in YAML: sluice.deployments). */
    static final String EVENTS = "releases-out-0";
    /** Output binding of the routing table (destination in YAML: the compacted sluice.deployment-state). */
    static final String TABLE = "routing-out-0";

    private final StreamBridge bridge;
    private final ReleaseMapping mapping;
    private final MeterRegistry meters;
    private final java.time.Duration publishTimeout;

    KafkaReleasePublisher(StreamBridge bridge, ReleaseMapping mapping, MeterRegistry meters, java.time.Duration publishTimeout) {
        this.bridge = bridge;
        this.mapping = mapping;
        this.meters = meters;
        this.publishTimeout = publishTimeout;
    }

    @Override
    public void event(ReleaseEvent event) {
        SpecificRecord record = mapping.toAvro(event);
        send(EVENTS, event.model(), record);
        meters.counter("sluice.deployment.events", "type", record.getClass().getSimpleName()).increment();
    }

    @Override
    public void table(RoutingTable table, ReleaseEvent cause) {
        send(TABLE, table.model(), mapping.toAvro(table, cause));
    }

    private void send(String binding, String key, Object payload) {
        send(bridge, binding, key, payload, publishTimeout);
    }

    /** One synchronous send, retried with backoff until it succeeds or {@code timeout} has passed. */
    static void send(StreamBridge bridge, String binding, String key, Object payload, java.time.Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long backoff = 100;
        while (true) {
            RuntimeException failure;
            try {
                if (bridge.send(binding, MessageBuilder.withPayload(payload).setHeader(KafkaHeaders.KEY, key).build())) {
                    return;
                }
                failure = new IllegalStateException("the binding refused the message");
            } catch (RuntimeException e) {
                failure = e;
            }
            if (System.nanoTime() + backoff * 1_000_000 > deadline) {
                throw new IllegalStateException("could not publish to " + binding + " within " + timeout + ": " + failure, failure);
            }
            org.slf4j.LoggerFactory.getLogger(KafkaReleasePublisher.class).warn("publishing to {} failed ({}); retrying in {} ms", binding,
                    failure.toString(), backoff);
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while publishing to " + binding, e);
            }
            backoff = Math.min(backoff * 2, 5000);
        }
    }
}
