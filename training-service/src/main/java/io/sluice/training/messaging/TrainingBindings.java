package io.sluice.training.messaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
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
import io.sluice.events.TuningRequested;
import io.sluice.training.TrainingProperties;
import io.sluice.training.domain.RunRecord;
import io.sluice.training.domain.tuning.HyperparameterSearches;
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
            } else if (record instanceof TuningRequested requested) {
                forwarder.forward(requests.modelName(requested), requested);
            }
        };
    }

    /**
     * Training work of the models this replica owns (the record key is the model): journaled and
     * scheduled by {@link TrainingRuns}, which returns at once (training never runs on the consumer thread).
     */
    @Bean
    Consumer<Message<SpecificRecord>> trainingWork(TrainingRuns runs, TrainingRequests requests, HyperparameterSearches searches,
                                                   TrainingProperties properties) {
        int everyRuns = properties.tuning().everyRuns();
        return message -> {
            Object key = message.getHeaders().get(KafkaHeaders.RECEIVED_KEY);
            String model = key instanceof String text ? text : null;
            SpecificRecord payload = message.getPayload();
            if (payload instanceof DatasetReady ready) {
                for (TrainingRequest request : requests.fromDatasetReady(ready)) {
                    if (request.modelName().equals(model)) {
                        accept(runs, request, false).ifPresent(run -> searchEvery(everyRuns, runs, searches, run));
                    }
                }
            } else if (payload instanceof RetrainingRequested requested) {
                accept(runs, requests.fromRetrainingRequested(requested), true).ifPresent(run -> searchEvery(everyRuns, runs, searches, run));
            } else if (payload instanceof TuningRequested requested) {
                search(searches, requests.fromTuningRequested(requested));
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

    /**
     * With {@code sluice.training.tuning.every-runs: N}, every N-th accepted run of a model also starts a search on the same
     * dataset version; its id derives from the run id, so a redelivery starts nothing twice.
     */
    private static void searchEvery(int everyRuns, TrainingRuns runs, HyperparameterSearches searches, RunRecord run) {
        String model = run.request().modelName();
        if (everyRuns > 0 && runs.runs().stream().filter(r -> r.request().modelName().equals(model)).count() % everyRuns == 0) {
            TrainingRequest request = run.request();
            search(searches, new TrainingRequest(model, request.datasetName(), request.datasetVersion(), request.manifestUri(), "SCHEDULE",
                    request.correlationId(), UUID.nameUUIDFromBytes(("search after " + run.runId()).getBytes(StandardCharsets.UTF_8)).toString()));
        }
    }

    private static void search(HyperparameterSearches searches, TrainingRequest request) {
        try {
            searches.accept(request);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot journal the search of " + request.modelName() + "@" + request.datasetVersion(), e);
        }
    }

    private static Optional<RunRecord> accept(TrainingRuns runs, TrainingRequest request, boolean retrain) {
        try {
            return runs.accept(request, retrain);
        } catch (IOException e) {
            // not journaled: fail the record so the binding retries it, then dead-letters it with this reason
            throw new UncheckedIOException("cannot journal the training run of " + request.modelName() + "@" + request.datasetVersion(), e);
        }
    }
}
