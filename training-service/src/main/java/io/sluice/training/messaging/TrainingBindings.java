package io.sluice.training.messaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

import org.apache.avro.specific.SpecificRecord;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.sluice.events.DatasetReady;
import io.sluice.events.DeploymentState;
import io.sluice.events.RetrainingRequested;
import io.sluice.training.domain.TrainingRequest;
import io.sluice.training.domain.TrainingRuns;

/**
 * Thin handlers: each maps an event to a {@link TrainingRequest} and hands it to {@link TrainingRuns},
 * which journals it and returns at once (training never runs on the consumer thread).
 */
@Configuration(proxyBeanMethods = false)
class TrainingBindings {

    /** A validated dataset version: one run per model trained on that dataset (redeliveries start nothing). */
    @Bean
    Consumer<SpecificRecord> datasets(TrainingRuns runs, TrainingRequests requests) {
        return record -> {
            if (record instanceof DatasetReady ready) {
                for (TrainingRequest request : requests.fromDatasetReady(ready)) {
                    accept(runs, request, false);
                }
            }
        };
    }

    /** Retraining asked for by monitoring or an operator; other events on the training topic are ours and ignored. */
    @Bean
    Consumer<SpecificRecord> retraining(TrainingRuns runs, TrainingRequests requests) {
        return record -> {
            if (record instanceof RetrainingRequested requested) {
                accept(runs, requests.fromRetrainingRequested(requested), true);
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
