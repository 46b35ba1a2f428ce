package io.sluice.console.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.sluice.console.events.EventFilter;
import io.sluice.console.events.EventView;

/** The console's in-memory picture, fed plain {@link EventView}s. */
class ConsoleStateTests {

    private final AtomicLong offsets = new AtomicLong();

    private EventView event(String topic, String type, String correlation, String eventId, Instant at, Map<String, Object> fields) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("eventId", eventId);
        header.put("occurredAt", at.toString());
        header.put("correlationId", correlation);
        header.put("causationId", null);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        event.put("header", header);
        event.putAll(fields);
        return new EventView(topic, "k", 0, offsets.incrementAndGet(), at, event, null, null, null);
    }

    @Test
    void keepsOnlyTheMostRecentPipelineEventsAndTelemetryApart() {
        ConsoleState state = new ConsoleState(3, 10);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 5; i++) {
            state.accept(event("sluice.training", "TrainingStarted", "c", "e" + i, t.plusSeconds(i), Map.of("runId", "r" + i)));
        }
        for (int i = 0; i < 10; i++) {
            state.accept(event("sluice.predictions", "PredictionServed", "p" + i, "p" + i, t.plusSeconds(10 + i),
                    Map.of("modelName", "m", "modelVersion", "v1", "outcome", "OK", "latencyMicros", 2000L)));
        }

        List<EventView> pipeline = state.recent(new EventFilter(Set.of("sluice.training"), Set.of(), null, null, null), 100);
        assertThat(pipeline).extracting(EventView::eventId).containsExactly("e2", "e3", "e4");
        assertThat(state.recent(EventFilter.ALL, 4)).extracting(EventView::eventId).containsExactly("e4", "p7", "p8", "p9");
        assertThat(state.accepted()).isEqualTo(15);
    }

    @Test
    void ordersATimelineByOccurrenceShowsEachEventOnceAndForgetsTheOldestRuns() {
        ConsoleState state = new ConsoleState(100, 2);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        state.accept(event("sluice.training", "TrainingStarted", "run-a", "a2", t.plusSeconds(2), Map.of()));
        state.accept(event("sluice.datasets", "DatasetReady", "run-a", "a1", t, Map.of("datasetName", "flowers")));
        state.accept(event("sluice.datasets", "DatasetReady", "run-a", "a1", t, Map.of("datasetName", "flowers"))); // redelivered
        state.accept(event("sluice.datasets", "DatasetReady", "run-b", "b1", t.plusSeconds(5), Map.of()));
        state.accept(event("sluice.predictions", "PredictionServed", "run-x", "x1", t.plusSeconds(6), Map.of()));

        assertThat(state.timeline("run-a")).extracting(EventView::eventId).containsExactly("a1", "a2");
        assertThat(state.timeline("run-x")).as("telemetry is not a pipeline run").isEmpty();
        assertThat(state.runs()).extracting(ConsoleState.RunSummary::correlationId).containsExactly("run-b", "run-a");
        assertThat(state.runs().get(1).datasetName()).isEqualTo("flowers");

        state.accept(event("sluice.datasets", "DatasetReady", "run-c", "c1", t.plusSeconds(7), Map.of()));
        assertThat(state.timeline("run-a")).as("the run touched least recently is forgotten").isEmpty();
        assertThat(state.runs()).hasSize(2);
    }

    @Test
    void countsTrafficPerVersionInTenSecondBuckets() {
        ConsoleState state = new ConsoleState(100, 10);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        state.accept(event("sluice.predictions", "PredictionServed", "p", "1", t.plusSeconds(1),
                Map.of("modelName", "m", "modelVersion", "v2", "outcome", "OK", "latencyMicros", 2000L)));
        state.accept(event("sluice.predictions", "PredictionServed", "p", "2", t.plusSeconds(3),
                Map.of("modelName", "m", "modelVersion", "v2", "outcome", "ERROR", "latencyMicros", 6000L)));
        state.accept(event("sluice.predictions", "PredictionServed", "p", "3", t.plusSeconds(12),
                Map.of("modelName", "m", "modelVersion", "v2", "outcome", "OK", "latencyMicros", 1000L)));

        List<ConsoleState.TrafficBucket> buckets = state.models().get(0).traffic().get("v2");
        assertThat(buckets).hasSize(2);
        assertThat(buckets.get(0)).isEqualTo(new ConsoleState.TrafficBucket(t, 2, 1, 4.0, 6.0));
        assertThat(buckets.get(1).start()).isEqualTo(t.plusSeconds(10));
    }

    @Test
    void tellsListenersOfEveryRecordIncludingRawOnes() {
        ConsoleState state = new ConsoleState(10, 10);
        List<EventView> heard = new java.util.ArrayList<>();
        state.addListener(heard::add);
        EventView raw = new EventView("sluice.storage.notifications", "b/o", 0, 1, Instant.now(), null, "{}", null, null);

        state.accept(raw);

        assertThat(heard).containsExactly(raw);
        assertThat(state.models()).isEmpty();
    }
}
