package io.sluice.deployment.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

import io.sluice.deployment.domain.ReleaseEvent;
import io.sluice.deployment.domain.ReleasePublisher;
import io.sluice.deployment.domain.RoutingTable;
import io.sluice.platform.messaging.RetriedSends;

/**
 * Publishes release events and routing-table entries through the output bindings (synchronous sends), keyed by model name. A
 * failed send is retried with backoff until it succeeds, never dropped (platform's {@link RetriedSends}; readiness is DOWN
 * meanwhile): the state moves only after both writes succeeded.
 */
final class KafkaReleasePublisher implements ReleasePublisher {

    /** Output binding of the release events (destination in YAML: sluice.deployments). */
    static final String EVENTS = "releases-out-0";
    /** Output binding of the routing table (destination in YAML: the compacted sluice.deployment-state). */
    static final String TABLE = "routing-out-0";

    private final StreamBridge bridge;
    private final ReleaseMapping mapping;
    private final MeterRegistry meters;
    private final RetriedSends sends;

    KafkaReleasePublisher(StreamBridge bridge, ReleaseMapping mapping, MeterRegistry meters, RetriedSends sends) {
        this.bridge = bridge;
        this.mapping = mapping;
        this.meters = meters;
        this.sends = sends;
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
        sends.send(binding, () -> bridge.send(binding, message(key, payload)));
    }

    static Message<Object> message(String key, Object payload) {
        return MessageBuilder.withPayload(payload).setHeader(KafkaHeaders.KEY, key).build();
    }
}
