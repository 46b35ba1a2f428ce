package io.sluice.training.messaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

import org.apache.avro.specific.SpecificRecord;
import org.springframework.context.annotation.Bean;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;

import io.sluice.events.DatasetReady;
import io.sluice.events.DeploymentState;
import io.sluice.events.RetrainingRequested;
import io.sluice.training.domain.TrainingRequest;
import io.sluice.training.domain.TrainingRuns;

/**
 * Thin handlers: dataset and retraining requests are forwarded to the training requests topic keyed
 * by model, and the replica owning the model's partition maps each to a {@link TrainingRequest} and
 * hands it to {@link TrainingRuns}, which journals it and returns at once.
 */
@Configuration(proxyBeanMethods = false)
class TrainingBindings {

    /** A validated dataset version: forwarded once per model trained on that dataset, keyed by model (names checked here). */
    @Bean
    Consumer<SpecificRecord> datasets(TrainingRequests requests, StreamBridge bridge) {
        KafkaTrainingRequestForwarder forwarder = new KafkaTrainingRequestForwarder(bridge);
        return record -> {
            if (record instanceof DatasetReady ready) {
                for (TrainingRequest request : requests.fromDatasetReady(ready)) {
                    forwarder.forward(request.modelName(), ready);
                }
            }
        };
    }

    /** Retraining asked for by monitoring or an operator, forwarded keyed by model; other events on the training topic are ours and ignored. */
    @Bean
    Consumer<SpecificRecord> retraining(TrainingRequests requests, StreamBridge bridge) {
        KafkaTrainingRequestForwarder forwarder = new KafkaTrainingRequestForwarder(bridge);
        return record -> {
            if (record instanceof RetrainingRequested requested) {
                forwarder.forward(requests.modelName(requested), requested);
            }
        };
    }

    /**
     * Training work of the models this replica owns (the record key is the model): journaled and
     * scheduled by {@link TrainingRuns}, which returns at once (training never runs on the consumer thread).
     */
    @Bean
    Consumer<Message<SpecificRecord>> trainingWork(TrainingRuns runs, TrainingRequests requests) {
        return message -> {
            Object key = message.getHeaders().get(KafkaHeaders.RECEIVED_KEY);
            String model = key instanceof String text ? text : null;
            SpecificRecord payload = message.getPayload();
            if (payload instanceof DatasetReady ready) {
                for (TrainingRequest request : requests.fromDatasetReady(ready)) {
                    if (request.modelName().equals(model)) {
                        accept(runs, request, false);
                    }
                }
            } else if (payload instanceof RetrainingRequested requested) {
                accept(runs, requests.fromRetrainingRequested(requested), true);
            } else {
                throw new IllegalArgumentException("not a training request: " + payload.getClass().getSimpleName());
            }
        };
    }

    /** The routing table, read whole on start: which version is stable per model (for warm starts). */
    @Bean
    Consumer<SpecificRecord> deploymentState(RoutingTable table) {
        return record -> {
            if (record instanceof DeploymentState state) {
                table.apply(state);
            }
        };
    }

    private static void accept(TrainingRuns runs, TrainingRequest request, boolean retrain) {
        try {
            runs.accept(request, retrain);
        } catch (IOException e) {
            // not journaled: fail the record so the binding retries it, then dead-letters it with this reason
            throw new UncheckedIOException("cannot journal the training run of " + request.modelName() + "@" + request.datasetVersion(), e);
        }
    }
}
