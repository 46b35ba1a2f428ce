package io.sluice.inference.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.support.MessageBuilder;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Publishes events off the request path: callers put events into a bounded buffer and never wait;
 * one thread sends them through {@link StreamBridge}. When the broker is slow or absent the buffer
 * fills and further events are dropped and counted ({@code sluice.inference.events.dropped}).
 */
public class EventOutbox implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(EventOutbox.class);

    private record Pending(String binding, String key, SpecificRecord event) {}

    /** Sends one event to an output binding, keyed; may block while the broker is slow. */
    @FunctionalInterface
    public interface Sender {
        void send(String binding, String key, SpecificRecord event);

        /** Sends through Spring Cloud Stream, the key in {@link KafkaHeaders#KEY}. */
        static Sender of(StreamBridge bridge) {
            return (binding, key, event) -> bridge.send(binding, MessageBuilder.withPayload(event).setHeader(KafkaHeaders.KEY, key).build());
        }
    }

    private final Sender bridge;
    private final BlockingQueue<Pending> buffer;
    private final MeterRegistry meters;
    private final Thread sender;
    private final java.util.Map<String, Counter> dropped = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean running = true;

    public EventOutbox(Sender bridge, int capacity, MeterRegistry meters) {
        this.bridge = bridge;
        this.buffer = new ArrayBlockingQueue<>(capacity);
        this.meters = meters;
        meters.gauge("sluice.inference.events.buffered", buffer, BlockingQueue::size);
        this.sender = new Thread(this::send, "event-outbox");
        this.sender.setDaemon(true);
        this.sender.start();
    }

    /** Queues an event for an output binding; false (and counted) when the buffer is full. */
    public boolean offer(String binding, String key, SpecificRecord event) {
        if (buffer.offer(new Pending(binding, key, event))) {
            return true;
        }
        dropped.computeIfAbsent(binding, b -> Counter.builder("sluice.inference.events.dropped").tag("binding", b)
                .description("events dropped because the outbox buffer was full").register(meters)).increment();
        return false;
    }

    private void send() {
        List<Pending> batch = new ArrayList<>();
        while (running || !buffer.isEmpty()) {
            try {
                Pending first = buffer.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                buffer.drainTo(batch, 511);
                for (Pending pending : batch) {
                    try {
                        bridge.send(pending.binding(), pending.key(), pending.event());
                    } catch (RuntimeException e) {
                        Counter.builder("sluice.inference.events.failed").tag("binding", pending.binding()).register(meters).increment();
                        LOG.warn("could not publish to {}: {}", pending.binding(), e.getMessage());
                    }
                }
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        running = false;
        sender.join(5_000);
    }
}
