package io.sluice.platform.events;

import org.springframework.context.SmartLifecycle;

/**
 * State a service builds with a {@link TopicFollower} (a projection, a view, a feed): whether it is current and
 * its lifecycle are the follower's. An implementation names the state (for health) and hands out its follower.
 */
public interface FollowedState extends DerivedState, SmartLifecycle {

    /** The follower that builds this state. */
    TopicFollower follower();

    @Override
    default Status status() {
        return follower().status();
    }

    @Override
    default void start() {
        follower().start();
    }

    @Override
    default void stop() {
        follower().stop();
    }

    @Override
    default boolean isRunning() {
        return follower().isRunning();
    }
}
