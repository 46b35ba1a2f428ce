package io.sluice.inference.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.events.PredictionOutcome;
import io.sluice.events.PredictionServed;
import io.sluice.events.RouteRole;
import io.sluice.inference.domain.Outcome;
import io.sluice.inference.domain.Role;
import io.sluice.inference.domain.Served;
import io.sluice.platform.events.EventHeaders;

class EventOutboxTests {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final EventHeaders headers = new EventHeaders("inference-service/test", Clock.systemUTC());

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void neverBlocksTheCallerAndCountsWhatItDropsWhileTheBrokerHangs() throws Exception {
        CountDownLatch broker = new CountDownLatch(1);
        List<SpecificRecord> sent = new CopyOnWriteArrayList<>();
        EventOutbox outbox = new EventOutbox((binding, key, event) -> {
            try {
                broker.await(); // a broker that does not answer
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sent.add(event);
        }, 10, meters);
        KafkaTelemetry telemetry = new KafkaTelemetry(outbox, headers, (model, version) -> "shapes@abc");

        for (int i = 0; i < 1_000; i++) {
            telemetry.record(served("r" + i)); // returns although the broker never answers (the @Timeout guards a hang)
        }

        assertThat(sent).as("nothing got through the hung broker").isEmpty();
        double dropped = meters.counter("sluice.inference.events.dropped", "binding", KafkaTelemetry.BINDING).count();
        assertThat(dropped).as("the buffer holds 10, the sender at most 11 more").isBetween(1_000.0 - 21, 1_000.0 - 10);
        broker.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (sent.size() < 1_000 - dropped && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(sent).hasSize((int) (1_000 - dropped));
        outbox.destroy();
    }

    @Test
    void mapsServedToPredictionServed() {
        KafkaTelemetry telemetry = new KafkaTelemetry(new EventOutbox((b, k, e) -> {}, 1, meters), headers, (m, v) -> "shapes@abc");
        PredictionServed event = telemetry.toEvent(served("r1"));
        assertThat(event.getRequestId()).isEqualTo("r1");
        assertThat(event.getModelName()).isEqualTo("shapes");
        assertThat(event.getModelVersion()).isEqualTo("v2");
        assertThat(event.getRole()).isEqualTo(RouteRole.CANARY);
        assertThat(event.getOutcome()).isEqualTo(PredictionOutcome.OK);
        assertThat(event.getLatencyMicros()).isEqualTo(1234);
        assertThat(event.getBatchSize()).isEqualTo(4);
        assertThat(event.getPredictedClass()).isEqualTo("dot");
        assertThat(event.getConfidence()).isEqualTo(0.75);
        assertThat(event.getInputStats()).containsEntry("mean", 0.5);
        assertThat(event.getRoutingRevision()).isEqualTo(7);
        assertThat(event.getInputSize()).isEqualTo(64);
        assertThat(event.getInputFlag()).isEqualTo("out-of-range");
        assertThat(event.getAgreesWithStable()).isNull();
        assertThat(telemetry.toEvent(new Served("r2", "shapes", "v3", Role.SHADOW, Outcome.OK, 10, 1, "dot", 0.5, Map.of(), null, 7, 64,
                null, false)).getAgreesWithStable()).isFalse();
        assertThat(event.getHeader().getCorrelationId()).isEqualTo("shapes@abc");
        assertThat(event.getHeader().getProducer()).isEqualTo("inference-service/test");
    }

    private static Served served(String requestId) {
        return new Served(requestId, "shapes", "v2", Role.CANARY, Outcome.OK, 1234, 4, "dot", 0.75, Map.of("mean", 0.5), null, 7, 64,
                "out-of-range", null);
    }
}
