package io.sluice.deployment.domain;

import java.util.ArrayList;
import java.util.List;

/** Keeps what the release machine published, in order, as Kafka would. */
final class RecordingPublisher implements ReleasePublisher {

    final List<ReleaseEvent> events = new ArrayList<>();
    final List<RoutingTable> tables = new ArrayList<>();

    @Override
    public void event(ReleaseEvent event) {
        events.add(event);
    }

    @Override
    public void table(RoutingTable table, ReleaseEvent cause) {
        tables.add(table);
    }

    RoutingTable lastTable(String model) {
        for (int i = tables.size() - 1; i >= 0; i--) {
            if (tables.get(i).model().equals(model)) {
                return tables.get(i);
            }
        }
        return null;
    }

    <T extends ReleaseEvent> List<T> events(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
