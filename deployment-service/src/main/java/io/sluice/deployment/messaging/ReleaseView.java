package io.sluice.deployment.messaging;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.avro.specific.SpecificRecord;

import io.sluice.deployment.domain.Release;
import io.sluice.deployment.domain.ReleaseEvent;
import io.sluice.deployment.domain.ReleaseMachine;
import io.sluice.deployment.domain.ReleasePublisher;
import io.sluice.deployment.domain.Releases;
import io.sluice.deployment.domain.RoutingTable;
import io.sluice.events.codec.EventCodec;
import io.sluice.platform.events.FollowedState;
import io.sluice.platform.events.TopicFollower;
import io.sluice.platform.kafka.KafkaClients;

/**
 * Every release as any replica sees it: follows the deployments history of every partition ({@link TopicFollower}) and folds it
 * with the same {@code evolve} as the owners, so {@code GET /deployments} answers on every replica. It also remembers which
 * events each operator command caused (their causation id), so the replica that took the command can answer with the outcome.
 */
final class ReleaseView implements FollowedState, TopicFollower.Listener {

    private static final int REMEMBERED_COMMANDS = 1024;

    private final Releases view;
    private final TopicFollower follower;
    private final Map<String, List<ReleaseEvent>> byCommand = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<ReleaseEvent>> eldest) {
            return size() > REMEMBERED_COMMANDS;
        }
    };

    ReleaseView(ReleaseMachine machine, KafkaClients clients, EventCodec codec, String eventsTopic) {
        this.view = new Releases(machine, new ReleasePublisher() {
            @Override
            public void event(ReleaseEvent event) {
                throw new IllegalStateException("the view publishes nothing");
            }

            @Override
            public void table(RoutingTable table, ReleaseEvent cause) {
                throw new IllegalStateException("the view publishes nothing");
            }
        });
        this.follower = new TopicFollower("deployment-service-view", clients, codec, List.of(eventsTopic), this);
    }

    @Override
    public void onEvent(String topic, String key, SpecificRecord record) {
        ReleaseEvent event = ReleaseMapping.fromAvro(record);
        if (event == null) {
            return;
        }
        view.follow(event);
        String cause = event.meta().causationId();
        if (cause != null) {
            synchronized (byCommand) {
                byCommand.computeIfAbsent(cause, c -> new java.util.ArrayList<>()).add(event);
                byCommand.notifyAll();
            }
        }
    }

    /** The events a command (or any input) caused, once the view has seen them; empty when it has not within {@code wait}. */
    List<ReleaseEvent> awaitCausedBy(String causationId, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (byCommand) {
            while (!byCommand.containsKey(causationId)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return List.of();
                }
                byCommand.wait(Math.max(1, left / 1_000_000));
            }
            return List.copyOf(byCommand.get(causationId));
        }
    }

    Releases releases() {
        return view;
    }

    Optional<Release> find(String model) {
        return view.find(model);
    }

    @Override
    public String name() {
        return "releasesView";
    }

    @Override
    public TopicFollower follower() {
        return follower;
    }
}
