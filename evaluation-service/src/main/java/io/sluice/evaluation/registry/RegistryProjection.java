package io.sluice.evaluation.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sluice.evaluation.domain.ModelRegistry;
import io.sluice.evaluation.domain.ModelState;
import io.sluice.evaluation.domain.RegistryCommand;
import io.sluice.events.ModelApproved;
import io.sluice.events.ModelRejected;
import io.sluice.events.RegistryCommandIssued;
import io.sluice.events.RegistryState;
import io.sluice.events.TrainingCompleted;
import io.sluice.events.codec.EventCodec;
import io.sluice.platform.events.EventHeaders;
import io.sluice.platform.events.FollowedState;
import io.sluice.platform.events.TopicFollower;
import io.sluice.platform.kafka.KafkaClients;
import io.sluice.platform.security.LogSafe;

/**
 * Keeps the registry projection current on every replica. On start it first reads the compacted registry topic
 * ({@code sluice.registry}: each model's whole state as its owner last wrote it) and restores it, then replays the training,
 * evaluation, deployment, routing-table and registry-command topics from the beginning and follows them
 * ({@link TopicFollower}: no consumer group, nothing committed, retried with backoff forever when the broker is away);
 * events already in a restored state change nothing, so the registry outlives the event topics' retention. After each
 * change, the replica that owns the model (evaluation's ownership, all models until set) writes the model's state back.
 * Not current (readiness DOWN) until both reads caught up, and again while the broker cannot be reached or it is behind.
 * Remembers which trained versions have no decision yet, so the owner of a training partition can resume them.
 */
public final class RegistryProjection implements FollowedState, TopicFollower.Listener {

    private static final Logger log = LoggerFactory.getLogger(RegistryProjection.class);

    private final ModelRegistry registry;
    private final EventCodec codec;
    private final KafkaClients clients;
    private final EventHeaders headers;
    private final String stateTopic;
    private final TopicFollower states;
    private final TopicFollower follower;
    private final Map<String, TrainingCompleted> undecided = new LinkedHashMap<>();
    private final Map<String, ModelState> written = new HashMap<>();
    private final Map<String, CompletableFuture<RegistryCommand.Audited>> awaited = new ConcurrentHashMap<>();
    private volatile Predicate<String> writes = model -> true;
    private volatile boolean running;
    private KafkaProducer<String, byte[]> producer;

    /**
     * @param topics     the topics to replay: training, evaluations, deployments, the routing table and registry commands
     * @param stateTopic the compacted topic the registry's state is written to and restored from first
     */
    public RegistryProjection(ModelRegistry registry, EventCodec codec, KafkaClients clients, List<String> topics, String stateTopic,
                              EventHeaders headers) {
        this.registry = registry;
        this.codec = codec;
        this.clients = clients;
        this.headers = headers;
        this.stateTopic = stateTopic;
        this.follower = new TopicFollower("evaluation-service-registry", clients, codec, topics, this);
        this.states = new TopicFollower("evaluation-service-registry-state", clients, codec, List.of(stateTopic), new TopicFollower.Listener() {
            @Override
            public void onEvent(String topic, String key, SpecificRecord event) {
                restored(event);
            }

            @Override
            public void onCaughtUp() {
                log.info("model registry restored {} model(s) from {}; replaying the event topics", registry.modelNames().size(), stateTopic);
                if (running) {
                    follower.start();
                }
            }
        });
    }

    /** Which models this replica writes the state of (the owners'); every model until set. */
    public void writes(Predicate<String> owns) {
        this.writes = owns;
    }

    /** Waits until the state was restored and the first replay has reached the end offsets seen at start; false on timeout. */
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

    /** How this replica folded a registry command, once it has (empty when it has not within {@code wait}). */
    public java.util.Optional<RegistryCommand.Audited> awaitCommand(String modelName, String commandId, Duration wait)
            throws InterruptedException {
        CompletableFuture<RegistryCommand.Audited> outcome = awaited.computeIfAbsent(commandId, id -> new CompletableFuture<>());
        registry.audit(modelName).stream().filter(a -> a.command().id().equals(commandId)).findFirst().ifPresent(outcome::complete);
        try {
            return java.util.Optional.of(outcome.get(wait.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return java.util.Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            awaited.remove(commandId);
        }
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
    public Status status() {
        Status restore = states.status();
        return restore.current() ? follower.status() : restore;
    }

    @Override
    public synchronized void start() {
        running = true;
        states.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        follower.stop();
        states.stop();
        synchronized (written) {
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
                producer = null;
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 5000; // before the bindings: the owner's recovery waits for it
    }

    @Override
    public void onCaughtUp() {
        log.info("model registry caught up: {} model(s), {} version(s) awaiting a decision", registry.modelNames().size(),
                undecided().size());
        registry.modelNames().forEach(this::write);
    }

    @Override
    public void onEvent(String topic, String key, SpecificRecord event) {
        boolean recorded = RegistryEvents.apply(registry, event);
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
        if (event instanceof RegistryCommandIssued e) {
            CompletableFuture<RegistryCommand.Audited> waiting = awaited.get(e.getHeader().getEventId());
            if (waiting != null) {
                registry.audit(e.getModelName()).stream().filter(a -> a.command().id().equals(e.getHeader().getEventId())).findFirst()
                        .ifPresent(waiting::complete);
            }
        }
        if (recorded && follower.hasCaughtUp()) {
            modelOf(event).ifPresent(this::write);
        }
    }

    /** Writes whatever this replica owns of the state: models changed since they were last written or restored. */
    public void flush() {
        if (follower.hasCaughtUp()) {
            registry.modelNames().forEach(this::write);
        }
    }

    private void restored(SpecificRecord event) {
        if (!(event instanceof RegistryState r)) {
            return;
        }
        ModelState state = RegistryStates.fromAvro(r);
        synchronized (written) {
            written.put(state.modelName(), state);
        }
        if (!follower.hasCaughtUp() && !follower.isRunning()) {
            registry.restore(state); // later records are our own (or the previous owner's) writes: nothing to restore
        }
    }

    private void write(String modelName) {
        if (!writes.test(modelName)) {
            return;
        }
        ModelState state = registry.export(modelName);
        synchronized (written) {
            if (!running || state.equals(written.get(modelName))) {
                return;
            }
            written.put(modelName, state);
            if (producer == null) {
                producer = clients.producer("evaluation-service-registry-writer");
            }
            byte[] value = codec.encode(RegistryStates.toAvro(state, headers.start("registry:" + modelName)));
            producer.send(new ProducerRecord<>(stateTopic, modelName, value), (metadata, failure) -> {
                if (failure != null) {
                    log.warn("could not write the registry state of {} to {} (written again on its next change): {}", LogSafe.text(modelName),
                            stateTopic, failure.toString());
                    synchronized (written) {
                        written.remove(modelName, state);
                    }
                }
            });
        }
    }

    private static java.util.Optional<String> modelOf(SpecificRecord event) {
        org.apache.avro.Schema.Field field = event.getSchema().getField("modelName");
        return field == null ? java.util.Optional.empty() : java.util.Optional.ofNullable((String) event.get(field.pos()));
    }

    private static String key(String modelName, String version) {
        return modelName + "/" + version;
    }
}
