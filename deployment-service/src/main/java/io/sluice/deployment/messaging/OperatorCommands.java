package io.sluice.deployment.messaging;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.springframework.cloud.stream.function.StreamBridge;

import io.sluice.deployment.domain.Decision;
import io.sluice.deployment.domain.Release;
import io.sluice.deployment.domain.ReleaseEvent;
import io.sluice.deployment.domain.ReleaseInput;
import io.sluice.deployment.domain.Releases;
import io.sluice.platform.messaging.RetriedSends;

/**
 * What the operator API needs on any replica: every release (the owner's live state where this replica owns the model, else the
 * view every replica follows), a command checked against it, published as an {@code OperatorCommandIssued} record keyed by model
 * (executed by the owner), and the events the owner's execution caused.
 */
public final class OperatorCommands {

    /** Output binding of operator commands (destination in YAML: sluice.deployment-commands). */
    static final String BINDING = "commands-out-0";

    private final Releases owned;
    private final ReleaseView view;
    private final StreamBridge bridge;
    private final ReleaseMapping mapping;
    private final RetriedSends sends;
    private final Duration publishTimeout;

    OperatorCommands(Releases owned, ReleaseView view, StreamBridge bridge, ReleaseMapping mapping, RetriedSends sends,
                     Duration publishTimeout) {
        this.owned = owned;
        this.view = view;
        this.bridge = bridge;
        this.mapping = mapping;
        this.sends = sends;
        this.publishTimeout = publishTimeout;
    }

    /** Every model's release, by name. */
    public List<Release> all() {
        Map<String, Release> all = new TreeMap<>();
        view.releases().all().forEach(r -> all.put(r.model(), r));
        owned.all().forEach(r -> all.put(r.model(), r));
        return List.copyOf(all.values());
    }

    /** One model's release. */
    public Optional<Release> find(String model) {
        return owned.find(model).or(() -> view.find(model));
    }

    /** What the command would decide on the state this replica sees; the owner decides again when it executes it. */
    public Decision preview(ReleaseInput.Command command) {
        return owned.find(command.model()).isPresent() ? owned.preview(command) : view.releases().preview(command);
    }

    /** Publishes the command (synchronously, retried for up to {@code publishTimeout}: a caller waits) for the owner to execute. */
    public void issue(ReleaseInput.Command command, String role) {
        Object payload = mapping.toAvro(command, role);
        sends.send(BINDING, () -> bridge.send(BINDING, KafkaReleasePublisher.message(command.model(), payload)), publishTimeout);
    }

    /** The events the command caused, once this replica has seen them; empty if it has not within {@code wait}. */
    public List<ReleaseEvent> awaitOutcome(String commandId, Duration wait) throws InterruptedException {
        return view.awaitCausedBy(commandId, wait);
    }
}
