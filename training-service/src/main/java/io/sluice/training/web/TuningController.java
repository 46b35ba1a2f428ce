package io.sluice.training.web;

import java.net.URI;
import java.security.Principal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.sluice.events.EventHeader;
import io.sluice.events.TrainingTrigger;
import io.sluice.events.TuningRequested;
import io.sluice.platform.events.EventHeaders;
import io.sluice.platform.security.LogSafe;
import io.sluice.platform.security.Problems;
import io.sluice.training.domain.tuning.HyperparameterSearches;
import io.sluice.training.messaging.TrainingRequests;

/**
 * {@code POST /tuning/{dataset}}: asks for a hyperparameter search of every model trained on the dataset, on its newest
 * ready version. Any replica answers: it publishes one {@code TuningRequested} per model on the training topic (the
 * audit record, shown by {@code sluice events} and the console), which reaches the replica owning the model like a
 * retraining request; the reply (202) names the search ids, whose trials and winner follow as events.
 */
@RestController
class TuningController {

    private static final Logger log = LoggerFactory.getLogger(TuningController.class);
    private static final int MAX_REASON = 500;
    private static final String BINDING = "trainingEvents-out-0";

    /**
     * Body of a search request.
     *
     * @param reason why (recorded in the event); optional, at most 500 characters
     */
    record TuneRequest(String reason) {}

    private final TrainingRequests requests;
    private final StreamBridge bridge;
    private final EventHeaders headers;

    TuningController(TrainingRequests requests, StreamBridge bridge, EventHeaders headers) {
        this.requests = requests;
        this.bridge = bridge;
        this.headers = headers;
    }

    @PostMapping("/tuning/{dataset}")
    ResponseEntity<?> tune(@PathVariable String dataset, @RequestBody(required = false) TuneRequest body, Principal operator) {
        String reason = body == null || body.reason() == null || body.reason().isBlank() ? "no reason given" : body.reason().strip();
        if (reason.length() > MAX_REASON) {
            return problem(HttpStatus.BAD_REQUEST, "reason is longer than " + MAX_REASON + " characters");
        }
        List<String> models;
        URI manifest;
        try {
            models = requests.modelsTrainedOn(dataset);
            manifest = requests.latestManifestOf(dataset);
        } catch (IllegalArgumentException e) {
            return problem(HttpStatus.NOT_FOUND, e.getMessage());
        }
        String[] parts = manifest.getPath().split("/");
        String version = parts[parts.length - 2];
        List<Map<String, String>> searches = new ArrayList<>();
        for (String model : models) {
            EventHeader header = headers.start(dataset + "@" + version);
            TuningRequested event = TuningRequested.newBuilder().setHeader(header).setModelName(model).setDatasetName(dataset)
                    .setDatasetVersion(version).setTrigger(TrainingTrigger.OPERATOR).setActor(operator.getName()).setReason(reason).build();
            if (!bridge.send(BINDING, MessageBuilder.withPayload(event).setHeader(KafkaHeaders.KEY, model).build())) {
                return problem(HttpStatus.SERVICE_UNAVAILABLE, "Kafka did not accept the search request of " + model + "; try again");
            }
            String searchId = HyperparameterSearches.searchId(model, header.getEventId());
            log.info("search {} of {} on {}@{} asked by {}: {}", searchId, model, dataset, version, operator.getName(), LogSafe.text(reason));
            searches.add(Map.of("model", model, "searchId", searchId));
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("dataset", dataset);
        reply.put("datasetVersion", version);
        reply.put("searches", searches);
        reply.put("message", "accepted; the replica that owns each model runs its search (see sluice events)");
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(reply);
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String message) {
        return ResponseEntity.of(Problems.of(status, message, null)).build();
    }
}
