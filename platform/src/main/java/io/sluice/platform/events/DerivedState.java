package io.sluice.platform.events;

import java.util.Map;

/**
 * State a service derives from topics (a projection, the releases it owns): says whether it is
 * current. The platform's {@code derivedState} health contributor is DOWN while any is not, and
 * readiness includes it, so a replica that is behind or cannot reach the broker takes no traffic.
 */
public interface DerivedState {

    /**
     * Whether the state is current, and why not.
     *
     * @param current whether everything up to the end offsets last seen has been applied and the broker answers
     * @param details what a person needs to see (the reason, partitions behind, the last error)
     */
    record Status(boolean current, Map<String, Object> details) {}

    /** Name shown in the health details. */
    String name();

    Status status();
}
