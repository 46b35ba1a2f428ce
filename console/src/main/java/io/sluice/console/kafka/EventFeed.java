package io.sluice.console.kafka;

import java.time.Duration;


import io.sluice.console.domain.ConsoleState;
import io.sluice.console.events.EventViews;
import io.sluice.events.codec.EventCodec;
import io.sluice.platform.events.FollowedState;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.events.TopicFollower;
import io.sluice.platform.kafka.KafkaClients;

/**
 * Folds every record of every Sluice topic and dead-letter topic into the {@link ConsoleState}, on every console replica:
 * platform's {@link TopicFollower} (from the beginning, no consumer group, nothing committed, clients from Spring's Kafka
 * settings, retried with backoff while the broker is away). Not current — readiness DOWN — until it caught up, and while
 * it cannot reach the broker.
 */
public final class EventFeed implements FollowedState {

    private final TopicFollower follower;

    public EventFeed(KafkaClients clients, EventCodec codec, ConsoleState state) {
        EventViews views = new EventViews(codec);
        this.follower = new TopicFollower("sluice-console", clients, SluiceTopics.namesWithDeadLetters(),
                record -> state.accept(views.view(record)), Duration.ofSeconds(2));
    }

    @Override
    public String name() {
        return "eventFeed";
    }

    @Override
    public TopicFollower follower() {
        return follower;
    }
}
