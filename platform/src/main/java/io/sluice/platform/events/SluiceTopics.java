package io.sluice.platform.events;

import java.util.List;
import java.util.stream.Stream;

/**
 * The topics of DESIGN §3, for the tools that create them (the local stack, the test kit, the
 * event viewer). Services name their bindings' destinations in YAML, not from here.
 */
public final class SluiceTopics {

    /** A topic and how it is kept. */
    public record Topic(String name, boolean compacted) {
        public String deadLetter() {
            return name + ".dlt";
        }
    }

    public static final String NOTIFICATIONS = "sluice.storage.notifications";
    public static final String DATASETS = "sluice.datasets";
    public static final String TRAINING = "sluice.training";
    /** Training work keyed by model (DatasetReady and RetrainingRequested forwarded by the training-service), so one replica owns a model's runs. */
    public static final String TRAINING_REQUESTS = "sluice.training.requests";
    public static final String EVALUATIONS = "sluice.evaluations";
    public static final String DEPLOYMENTS = "sluice.deployments";
    public static final String DEPLOYMENT_STATE = "sluice.deployment-state";
    /** Operator commands (OperatorCommandIssued, key model name), executed by the replica that owns the model. */
    public static final String DEPLOYMENT_COMMANDS = "sluice.deployment-commands";
    /** Model registry commands (RegistryCommandIssued, key model name), folded by every evaluation replica's registry. */
    public static final String REGISTRY_COMMANDS = "sluice.registry-commands";
    /** The model registry's whole state per model (RegistryState, key model name, compacted): outlives the event topics. */
    public static final String REGISTRY = "sluice.registry";
    public static final String PREDICTIONS = "sluice.predictions";
    public static final String FEEDBACK = "sluice.feedback";
    public static final String MONITORING = "sluice.monitoring";

    /** Every topic; each also has a {@code .dlt}. */
    public static final List<Topic> ALL = List.of(
            new Topic(NOTIFICATIONS, false), new Topic(DATASETS, false), new Topic(TRAINING, false),
            new Topic(TRAINING_REQUESTS, false),
            new Topic(EVALUATIONS, false), new Topic(DEPLOYMENTS, false), new Topic(DEPLOYMENT_STATE, true),
            new Topic(DEPLOYMENT_COMMANDS, false), new Topic(REGISTRY_COMMANDS, false), new Topic(REGISTRY, true),
            new Topic(PREDICTIONS, false), new Topic(FEEDBACK, false), new Topic(MONITORING, false));

    /** Names of every topic and its dead-letter topic. */
    public static List<String> namesWithDeadLetters() {
        return ALL.stream().flatMap(t -> Stream.of(t.name(), t.deadLetter())).toList();
    }

    /**
     * Names of the topics that carry Avro events (all but the raw notifications, and the training
     * requests, which only hold copies of events from other topics re-keyed by model).
     */
    public static List<String> eventTopics() {
        return ALL.stream().map(Topic::name).filter(n -> !n.equals(NOTIFICATIONS) && !n.equals(TRAINING_REQUESTS)).toList();
    }

    private SluiceTopics() {}
}
