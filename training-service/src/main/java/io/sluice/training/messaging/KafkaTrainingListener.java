package io.sluice.training.messaging;

import java.time.Instant;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.stereotype.Component;

import io.sluice.events.EpochMetrics;
import io.sluice.events.EventHeader;
import io.sluice.events.FailureKind;
import io.sluice.events.TrainingCompleted;
import io.sluice.events.TrainingFailed;
import io.sluice.events.TrainingProgressed;
import io.sluice.events.TrainingStarted;
import io.sluice.events.TrainingTrigger;
import io.sluice.platform.events.EventHeaders;
import io.sluice.training.domain.EpochResult;
import io.sluice.training.domain.RunRecord;
import io.sluice.training.domain.TrainingListener;
import io.sluice.training.domain.TrainingOutcome;

/** Publishes a run's events to the training topic, keyed by run id, caused by the event that asked for the run. */
@Component
class KafkaTrainingListener implements TrainingListener {

    static final String BINDING = "trainingEvents-out-0";

    private final StreamBridge bridge;
    private final EventHeaders headers;

    KafkaTrainingListener(StreamBridge bridge, EventHeaders headers) {
        this.bridge = bridge;
        this.headers = headers;
    }

    @Override
    public void started(RunRecord run, String backend, String device, String architecture, Map<String, String> hyperParameters,
                        String parentVersion) {
        send(run, TrainingStarted.newBuilder().setHeader(header(run)).setRunId(run.runId()).setModelName(run.request().modelName())
                .setDatasetName(run.request().datasetName()).setDatasetVersion(run.request().datasetVersion())
                .setTrigger(trigger(run.request().trigger())).setBackend(backend).setDevice(device).setArchitecture(architecture)
                .setHyperParameters(hyperParameters).setParentModelVersion(parentVersion).setExternalJobId(run.externalJobId()).build());
    }

    @Override
    public void progressed(RunRecord run, EpochResult result, int maxEpochs, double samplesPerSecond, Double etaSeconds) {
        send(run, TrainingProgressed.newBuilder().setHeader(header(run)).setRunId(run.runId()).setModelName(run.request().modelName())
                .setTotalEpochs(maxEpochs).setMetrics(metrics(result)).setSamplesPerSecond(samplesPerSecond).setEtaSeconds(etaSeconds)
                .build());
    }

    @Override
    public void completed(RunRecord run, TrainingOutcome outcome, long durationMillis) {
        send(run, TrainingCompleted.newBuilder().setHeader(header(run)).setRunId(run.runId()).setModelName(run.request().modelName())
                .setModelVersion(outcome.modelVersion()).setDatasetName(run.request().datasetName())
                .setDatasetVersion(run.request().datasetVersion()).setManifestUri(run.request().manifestUri())
                .setParentModelVersion(outcome.parentVersion()).setModelUri(outcome.modelUri()).setModelCardUri(outcome.modelCardUri())
                .setArtifactUris(outcome.artifactUris()).setArchitecture(outcome.architecture()).setBestEpoch(outcome.bestEpoch())
                .setBestMetrics(metrics(outcome.best())).setHistory(outcome.history().stream().map(KafkaTrainingListener::metrics).toList())
                .setDurationMillis(durationMillis).setBackend(outcome.backend()).setDevice(outcome.device()).build());
    }

    @Override
    public void failed(RunRecord run, String kind, String reason, String errorType, boolean retryable, String supersededBy) {
        send(run, TrainingFailed.newBuilder().setHeader(header(run)).setRunId(run.runId()).setModelName(run.request().modelName())
                .setDatasetName(run.request().datasetName()).setDatasetVersion(run.request().datasetVersion())
                .setKind(FailureKind.valueOf(kind)).setReason(reason).setErrorType(errorType).setRetryable(retryable)
                .setSupersededBy(supersededBy).build());
    }

    /** A header in the run's pipeline, caused by the event that asked for the run. */
    private EventHeader header(RunRecord run) {
        EventHeader cause = new EventHeader(run.request().causeEventId(), Instant.now(), run.request().correlationId(), null,
                headers.producer());
        return headers.causedBy(cause);
    }

    private void send(RunRecord run, SpecificRecord event) {
        boolean sent = bridge.send(BINDING, MessageBuilder.withPayload(event).setHeader(KafkaHeaders.KEY, run.runId()).build());
        if (!sent) {
            throw new IllegalStateException("Kafka did not accept " + event.getSchema().getName() + " of run " + run.runId());
        }
    }

    private static EpochMetrics metrics(EpochResult r) {
        return new EpochMetrics(r.epoch(), r.trainLoss(), r.trainAccuracy(), r.validationLoss(), r.validationAccuracy());
    }

    private static TrainingTrigger trigger(String trigger) {
        try {
            return TrainingTrigger.valueOf(trigger);
        } catch (IllegalArgumentException e) {
            return TrainingTrigger.UNKNOWN;
        }
    }
}
