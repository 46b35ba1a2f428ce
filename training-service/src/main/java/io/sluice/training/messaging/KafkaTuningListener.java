package io.sluice.training.messaging;

import java.time.Instant;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.stereotype.Component;

import io.sluice.events.EventHeader;
import io.sluice.events.TrialOutcome;
import io.sluice.events.TuningCompleted;
import io.sluice.events.TuningTrialFinished;
import io.sluice.platform.events.EventHeaders;
import io.sluice.training.domain.tuning.SearchRecord;
import io.sluice.training.domain.tuning.TrialResult;
import io.sluice.training.domain.tuning.TuningListener;

/**
 * Publishes a search's events to the training topic, caused by the event that asked for the search: each finished trial
 * keyed by search id, the outcome keyed by model (so a model's winners stay in order).
 */
@Component
class KafkaTuningListener implements TuningListener {

    private final StreamBridge bridge;
    private final EventHeaders headers;

    KafkaTuningListener(StreamBridge bridge, EventHeaders headers) {
        this.bridge = bridge;
        this.headers = headers;
    }

    @Override
    public void trialFinished(SearchRecord search, TrialResult trial) {
        send(search.searchId(), TuningTrialFinished.newBuilder().setHeader(header(search)).setSearchId(search.searchId())
                .setTrialId(trial.trialId()).setModelName(search.request().modelName()).setParameters(trial.parameters())
                .setOutcome(outcome(trial.outcome())).setEpochs(trial.epochs()).setValidationAccuracy(trial.validationAccuracy())
                .setValidationLoss(trial.epochs() == 0 || Double.isNaN(trial.validationLoss()) ? null : trial.validationLoss())
                .setReason(trial.reason()).build());
    }

    @Override
    public void completed(SearchRecord search, TrialResult winner, Map<String, String> bestParameters, String backend, long durationMillis) {
        send(search.request().modelName(), outcome(search, backend, durationMillis).setBestTrialId(winner.trialId())
                .setBestParameters(bestParameters).setBestValidationAccuracy(winner.validationAccuracy()).build());
    }

    @Override
    public void failed(SearchRecord search, String reason) {
        send(search.request().modelName(), outcome(search, "local", 0).setReason(reason).build());
    }

    private TuningCompleted.Builder outcome(SearchRecord search, String backend, long durationMillis) {
        return TuningCompleted.newBuilder().setHeader(header(search)).setSearchId(search.searchId())
                .setModelName(search.request().modelName()).setDatasetName(search.request().datasetName())
                .setDatasetVersion(search.request().datasetVersion()).setBackend(backend).setTrials(search.trials().size())
                .setStoppedEarly((int) search.trials().stream().filter(t -> t.outcome() == TrialResult.Outcome.STOPPED_EARLY).count())
                .setDurationMillis(durationMillis);
    }

    private static TrialOutcome outcome(TrialResult.Outcome outcome) {
        return switch (outcome) {
            case COMPLETED -> TrialOutcome.COMPLETED;
            case STOPPED_EARLY -> TrialOutcome.STOPPED_EARLY;
            case FAILED -> TrialOutcome.FAILED;
        };
    }

    private EventHeader header(SearchRecord search) {
        EventHeader cause = new EventHeader(search.request().causeEventId(), Instant.now(), search.request().correlationId(), null,
                headers.producer());
        return headers.causedBy(cause);
    }

    private void send(String key, SpecificRecord event) {
        boolean sent = bridge.send(KafkaTrainingListener.BINDING, MessageBuilder.withPayload(event).setHeader(KafkaHeaders.KEY, key).build());
        if (!sent) {
            throw new IllegalStateException("Kafka did not accept " + event.getSchema().getName() + " of " + key);
        }
    }
}
