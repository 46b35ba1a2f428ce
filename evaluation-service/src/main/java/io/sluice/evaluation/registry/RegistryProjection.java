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
import org.springframework.context.SmartLifecycle;

import io.sluice.evaluation.domain.ModelRegistry;
import io.sluice.events.ModelApproved;
import io.sluice.events.ModelRejected;
import io.sluice.events.TrainingCompleted;
import io.sluice.events.codec.EventCodec;
import io.sluice.platform.events.TopicReplay;

/**
 * Keeps the registry projection current: on start it replays the training, evaluation, deployment
 * and routing-table topics from the beginning ({@link TopicReplay}: no consumer group, nothing
 * committed), then follows them. Once it has caught up with the end offsets seen at start,
 * {@link #awaitCaughtUp} returns and every trained version still without a decision is handed to
 * the recovery callback, so an evaluation interrupted by a restart is redone.
 */
public final class RegistryProjection implements SmartLifecycle, TopicReplay.Listener {

    private static final Logger log = LoggerFactory.getLogger(RegistryProjection.class);

    private final ModelRegistry registry;
    private final EventCodec codec;
    private final String bootstrapServers;
    private final List<String> topics;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Map<String, TrainingCompleted> undecided = new LinkedHashMap<>();
    private volatile Consumer<TrainingCompleted> recovery = e -> {};
    private volatile TopicReplay replay;

    /**
     * @param topics the topics to replay: training, evaluations, deployments and the routing table
     */
    public RegistryProjection(ModelRegistry registry, EventCodec codec, String bootstrapServers, List<String> topics) {
        this.registry = registry;
        this.codec = codec;
        this.bootstrapServers = bootstrapServers;
        this.topics = List.copyOf(topics);
    }

    /** Called, once caught up, with every trained version that has no decision yet. */
    public void onUndecided(Consumer<TrainingCompleted> callback) {
        this.recovery = callback;
    }

    /** Waits until the replay has reached the end offsets seen at start; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the replay has caught up. */
    public boolean isCaughtUp() {
        return caughtUp.getCount() == 0;
    }

    @Override
    public synchronized void start() {
        replay = TopicReplay.follow(bootstrapServers, "evaluation-service-registry", codec, topics, this);
    }

    @Override
    public synchronized void stop() {
        if (replay != null) {
            replay.close();
            replay = null;
        }
    }

    @Override
    public boolean isRunning() {
        return replay != null;
    }

    @Override
    public void onCaughtUp() {
        List<TrainingCompleted> pending;
        synchronized (undecided) {
            pending = new ArrayList<>(undecided.values());
        }
        log.info("model registry caught up: {} model(s), {} version(s) awaiting a decision", registry.modelNames().size(), pending.size());
        // handed over before the latch opens, so whoever awaits the replay sees them accepted
        for (TrainingCompleted event : pending) {
            try {
                recovery.accept(event);
            } catch (RuntimeException e) {
                log.warn("cannot resume the evaluation of {}/{}: {}", event.getModelName(), event.getModelVersion(), e.toString());
            }
        }
        caughtUp.countDown();
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
