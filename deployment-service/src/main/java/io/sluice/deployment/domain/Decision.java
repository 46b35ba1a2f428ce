package io.sluice.deployment.domain;

import java.util.List;

/**
 * What the machine made of one input.
 *
 * @param events   events to publish, in order (empty when nothing changes)
 * @param rejected true when an operator asked for something the release cannot do now
 * @param note     why nothing changed (duplicate, stale, rejected), or null when events were decided
 */
public record Decision(List<ReleaseEvent> events, boolean rejected, String note) {

    public Decision {
        events = List.copyOf(events);
    }

    static Decision of(ReleaseEvent... events) {
        return new Decision(List.of(events), false, null);
    }

    static Decision ignored(String why) {
        return new Decision(List.of(), false, why);
    }

    static Decision rejected(String why) {
        return new Decision(List.of(), true, why);
    }
}
