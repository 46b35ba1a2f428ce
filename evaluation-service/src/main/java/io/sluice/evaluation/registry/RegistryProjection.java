package io.sluice.evaluation.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sluice.evaluation.domain.ModelRegistry;
import io.sluice.events.ModelApproved;
import io.sluice.events.ModelRejected;
import io.sluice.events.TrainingCompleted;
import io.sluice.events.codec.EventCodec;
import io.sluice.platform.events.FollowedState;
import io.sluice.platform.events.TopicFollower;
import io.sluice.platform.kafka.KafkaClients;

/**
 * Keeps the registry projection current on every replica: replays the training, evaluation,
 * deployment and routing-table topics from the beginning, then follows them ({@link TopicFollower}:
 * no consumer group, nothing committed, retried with backoff forever when the broker is away). Not
 * current (readiness DOWN) until it caught up, and again while the broker cannot be reached or it
 * is behind. Remembers which trained versions have no decision yet, so the owner of a training
 * partition can resume them.
 */
public final class RegistryProjection implements FollowedState, TopicFollower.Listener {

    private static final Logger log = LoggerFactory.getLogger(RegistryProjection.class);

    private final ModelRegistry registry;
    private final TopicFollower follower;
    private final Map<String, TrainingCompleted> undecided = new LinkedHashMap<>();

    /**
     * @param topics the topics to replay: training, evaluations, deployments and the routing table
     */
    public RegistryProjection(ModelRegistry registry, EventCodec codec, KafkaClients clients, List<String> topics) {
        this.registry = registry;
        this.follower = new TopicFollower("evaluation-service-registry", clients, codec, topics, this);
    }

    /** Waits until the first replay has reached the end offsets seen at start; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return follower.awaitCaughtUp(timeout);
    }

    /** Whether the first replay has caught up (the projection may be behind again; see {@link #status()}). */
    public boolean isCaughtUp() {
        return follower.hasCaughtUp();
    }

    /** Trained versions seen without a decision so far, in the order they were trained. */
    public List<TrainingCompleted> undecided() {
        synchronized (undecided) {
            return new ArrayList<>(undecided.values());
        }
    }

    /** Whether a version is known to be decided. */
    public boolean decided(String modelName, String version) {
        return registry.get(modelName, version).map(v -> v.decision() != null).orElse(false);
    }

    @Override
    public String name() {
        return "registry";
    }

    @Override
    public TopicFollower follower() {
        return follower;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 5000; // before the bindings: the owner's recovery waits for it
    }

    @Override
    public void onCaughtUp() {
        log.info("model registry caught up: {} model(s), {} version(s) awaiting a decision", registry.modelNames().size(),
                undecided().size());
    }

    @Override
    public void onEvent(String topic, String key, SpecificRecord event) {
        RegistryEvents.apply(registry, event);
        synchronized (undecided) {
            if (event instanceof TrainingCompleted e) {
                // topics interleave in any order: the decision may have been applied already
                boolean decided = registry.get(e.getModelName(), e.getModelVersion()).map(v -> v.decision() != null).orElse(false);
                if (!decided) {
                    undecided.putIfAbsent(key(e.getModelName(), e.getModelVersion()), e);
                }
            } else if (event instanceof ModelApproved e) {
                undecided.remove(key(e.getModelName(), e.getModelVersion()));
            } else if (event instanceof ModelRejected e) {
                undecided.remove(key(e.getModelName(), e.getModelVersion()));
            }
        }
    }

    private static String key(String modelName, String version) {
        return modelName + "/" + version;
    }
}
