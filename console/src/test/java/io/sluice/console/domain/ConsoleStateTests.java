package io.sluice.console.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import io.sluice.console.events.EventFilter;
import io.sluice.console.events.EventView;
import io.sluice.events.EventHeader;
import io.sluice.events.Events;
import io.sluice.platform.events.EventJson;

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

    private EventView avro(String topic, SpecificRecord event) {
        Map<String, Object> tree = EventJson.toTree(event);
        return new EventView(topic, "k", 0, offsets.incrementAndGet(), Instant.now(), tree, null, null, null);
    }

    private static EventHeader at(Instant when) {
        return Events.header().setOccurredAt(when).build();
    }

    @Test
    void foldsEachTrainingRunFromItsTrainingAndEvaluationEventsInAnyOrder() {
        ConsoleState state = new ConsoleState(100, 10);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        // run a: the verdict is read before the training events (another topic), and epoch 2 is repeated after a resume
        state.accept(avro("sluice.evaluations", Events.modelApproved().setHeader(at(t.plusSeconds(9))).setRunId("a")
                .setModelName("digits").setModelVersion("v1").setDatasetVersion("d1").build()));
        state.accept(avro("sluice.training", Events.trainingStarted().setHeader(at(t)).setRunId("a").setModelName("digits")
                .setDatasetVersion("d1").setHyperParameters(Map.of("learningRate", "0.01", "epochs", "3")).build()));
        for (int epoch : new int[] {1, 2, 2, 3}) {
            state.accept(avro("sluice.training", Events.trainingProgressed().setHeader(at(t.plusSeconds(epoch)))
                    .setRunId("a").setModelName("digits").setMetrics(Events.epoch(epoch, 0.5 + epoch / 10.0)).build()));
        }
        state.accept(avro("sluice.training", Events.trainingCompleted().setHeader(at(t.plusSeconds(4))).setRunId("a")
                .setModelName("digits").setModelVersion("v1").setDatasetVersion("d1").setBestEpoch(3)
                .setBestMetrics(Events.epoch(3, 0.8)).setHistory(List.of()).build()));
        // run b: later, failed, another model
        state.accept(avro("sluice.training", Events.trainingStarted().setHeader(at(t.plusSeconds(20))).setRunId("b")
                .setModelName("flowers").setDatasetVersion("d2").build()));
        state.accept(avro("sluice.training", Events.trainingFailed().setHeader(at(t.plusSeconds(21))).setRunId("b")
                .setModelName("flowers").setReason("out of memory").build()));

        assertThat(state.trainingRunSummaries(null)).extracting(TrainingRun.Summary::runId).containsExactly("b", "a");
        TrainingRun.Summary a = state.trainingRunSummaries("digits").get(0);
        assertThat(a).isEqualTo(new TrainingRun.Summary("a", "digits", "v1", "digits", "d1", "COMPLETED", "APPROVED", 0.95, 0.8, 3,
                t, t.plusSeconds(9)));
        TrainingRun.View view = state.trainingRuns(List.of("a", "nope")).get("a");
        assertThat(state.trainingRuns(List.of("a", "nope"))).containsOnlyKeys("a");
        assertThat(view.parameters()).containsEntry("learningRate", "0.01").containsEntry("architecture", "cnn")
                .containsEntry("trigger", "DATASET_READY").doesNotContainKey("parent version");
        assertThat(view.epochs()).extracting(e -> e.get("epoch")).containsExactly(1, 2, 3);
        assertThat(view.bestEpoch()).isEqualTo(3);
        assertThat(view.evaluation()).containsEntry("classNames", List.of("a", "b"))
                .containsEntry("confusionMatrix", List.of(List.of(10L, 0L), List.of(1L, 9L)));
        TrainingRun.View b = state.trainingRuns(List.of("b")).get("b");
        assertThat(b.status()).isEqualTo("FAILED");
        assertThat(b.failure()).isEqualTo("out of memory");
        assertThat(b.verdict()).isNull();
        assertThat(b.testAccuracy()).isNull();
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
