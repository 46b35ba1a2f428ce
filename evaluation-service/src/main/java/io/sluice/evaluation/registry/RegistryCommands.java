package io.sluice.evaluation.registry;

import java.time.Duration;
import java.util.Optional;

import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.support.MessageBuilder;

import io.sluice.evaluation.domain.RegistryCommand;
import io.sluice.events.EventHeader;

/**
 * Operators' registry commands on any replica: published as {@code RegistryCommandIssued} keyed by model (binding
 * {@code registry-commands-out-0}, synchronous), folded by every replica's projection in topic order; the caller waits for
 * this replica's fold to learn whether it applied.
 */
public final class RegistryCommands {

    static final String BINDING = "registry-commands-out-0";

    private final RegistryProjection projection;
    private final StreamBridge bridge;
    private final String producer;

    public RegistryCommands(RegistryProjection projection, StreamBridge bridge, String producer) {
        this.projection = projection;
        this.bridge = bridge;
        this.producer = producer;
    }

    /** Publishes the command (its id is the event id); false when the broker did not take it. */
    public boolean issue(RegistryCommand command) {
        EventHeader header = new EventHeader(command.id(), command.at(), "registry:" + command.modelName(), null, producer);
        return bridge.send(BINDING, MessageBuilder.withPayload(RegistryEvents.event(command, header))
                .setHeader(KafkaHeaders.KEY, command.modelName()).build());
    }

    /** How the command was folded here, once it was (empty when not within {@code wait}). */
    public Optional<RegistryCommand.Audited> awaitOutcome(RegistryCommand command, Duration wait) throws InterruptedException {
        return projection.awaitCommand(command.modelName(), command.id(), wait);
    }
}
