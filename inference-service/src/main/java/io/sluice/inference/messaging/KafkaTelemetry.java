package io.sluice.inference.messaging;

import java.util.function.BiFunction;

import io.sluice.events.PredictionOutcome;
import io.sluice.events.PredictionServed;
import io.sluice.events.RouteRole;
import io.sluice.inference.domain.Served;
import io.sluice.inference.domain.TelemetrySink;
import io.sluice.platform.events.EventHeaders;

/** Turns each {@link Served} into a {@link PredictionServed} keyed by model name and hands it to the outbox without waiting. */
public class KafkaTelemetry implements TelemetrySink {

    /** The output binding of {@code sluice.predictions}. */
    public static final String BINDING = "predictionEvents-out-0";

    private final EventOutbox outbox;
    private final EventHeaders headers;
    private final BiFunction<String, String, String> correlation;

    /**
     * @param correlation the pipeline run (dataset name@version) of a model version, by model and version
     */
    public KafkaTelemetry(EventOutbox outbox, EventHeaders headers, BiFunction<String, String, String> correlation) {
        this.outbox = outbox;
        this.headers = headers;
        this.correlation = correlation;
    }

    @Override
    public void record(Served served) {
        outbox.offer(BINDING, served.model(), toEvent(served));
    }

    PredictionServed toEvent(Served served) {
        return PredictionServed.newBuilder()
                .setHeader(headers.start(correlation.apply(served.model(), served.version())))
                .setRequestId(served.requestId())
                .setModelName(served.model())
                .setModelVersion(served.version())
                .setRole(RouteRole.valueOf(served.role().name()))
                .setOutcome(PredictionOutcome.valueOf(served.outcome().name()))
                .setLatencyMicros(served.latencyMicros())
                .setBatchSize(served.batchSize())
                .setPredictedClass(served.predictedClass())
                .setConfidence(served.confidence())
                .setInputStats(served.inputStats())
                .setErrorType(served.errorType())
                .setRoutingRevision(served.routingRevision())
                .setInputSize(served.inputSize())
                .setInputFlag(served.inputFlag())
                .setAgreesWithStable(served.agreesWithStable())
                .build();
    }
}
