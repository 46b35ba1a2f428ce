package io.sluice.evaluation.messaging;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.IntPredicate;

import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.support.MessageBuilder;

import io.sluice.evaluation.EvaluationProperties;
import io.sluice.evaluation.domain.ModelRegistry;
import io.sluice.evaluation.evaluate.DecisionStore;
import io.sluice.evaluation.evaluate.ModelEvaluator;
import io.sluice.evaluation.domain.Mark;
import io.sluice.evaluation.domain.Verdict;
import io.sluice.evaluation.registry.RegistryProjection;
import io.sluice.events.TrainingCompleted;
import io.sluice.events.codec.EventCodec;
import io.sluice.platform.events.EventHeaders;
import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.security.LogSafe;

/**
 * Runs evaluations off the consumer thread and publishes each decision exactly once per version:
 * a version already decided (its decision file exists) is not evaluated again — its stored event
 * is republished only if it never reached Kafka — and a version already being evaluated is not
 * started twice. Waits for the registry replay first, so the champion is known. Only the owner of a training partition
 * evaluates and publishes: a version whose partition this replica no longer owns is left to the new owner.
 */
public final class EvaluationRunner implements AutoCloseable {

    static final String BINDING = "evaluations-out-0";
    private static final Logger log = LoggerFactory.getLogger(EvaluationRunner.class);

    private final ModelEvaluator evaluator;
    private final DecisionStore decisions;
    private final ModelRegistry registry;
    private final RegistryProjection projection;
    private final EvaluationProperties properties;
    private final EventHeaders headers;
    private final EventCodec codec;
    private final StreamBridge bridge;
    private final ExecutorService executor;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private volatile IntPredicate owns = partition -> true;

    public EvaluationRunner(ModelEvaluator evaluator, DecisionStore decisions, ModelRegistry registry, RegistryProjection projection,
                            EvaluationProperties properties, EventHeaders headers, EventCodec codec, StreamBridge bridge,
                            ExecutorService executor) {
        this.evaluator = evaluator;
        this.decisions = decisions;
        this.registry = registry;
        this.projection = projection;
        this.properties = properties;
        this.headers = headers;
        this.codec = codec;
        this.bridge = bridge;
        this.executor = executor;
    }

    /** Which training partitions this replica owns (all until set). */
    public void ownership(IntPredicate owns) {
        this.owns = owns;
    }

    /**
     * Accepts a trained version for evaluation and returns at once.
     *
     * @param partition the training partition it was read from (-1: unknown, always owned)
     * @throws IllegalArgumentException when the event names no safe model name and version (the consumer dead-letters it)
     */
    public void submit(TrainingCompleted event, int partition) {
        ObjectKeys.requireSafe(event.getModelName());
        ObjectKeys.requireSafe(event.getModelVersion());
        decisions.uri(event.getModelName(), event.getModelVersion()); // throws for names with '/'
        String key = event.getModelName() + "/" + event.getModelVersion();
        if (!inFlight.add(key)) {
            log.info("{} is already being evaluated; redelivery ignored", LogSafe.text(key));
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    run(event, partition);
                } catch (Exception e) {
                    log.error("evaluation of {} failed; it is retried on redelivery or restart: {}", LogSafe.text(key), LogSafe.text(e), e);
                } finally {
                    inFlight.remove(key);
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.remove(key);
            throw e;
        }
    }

    /** Whether no evaluation is running or queued. */
    public boolean idle() {
        return inFlight.isEmpty();
    }

    private boolean owned(int partition, String what) {
        if (partition < 0 || owns.test(partition)) {
            return true;
        }
        log.info("training partition {} is owned by another replica now: {} is left to it", partition, LogSafe.text(what));
        return false;
    }

    private void run(TrainingCompleted event, int partition) throws Exception {
        String name = event.getModelName();
        String version = event.getModelVersion();
        while (!projection.awaitCaughtUp(Duration.ofSeconds(30))) {
            log.info("waiting for the model registry to catch up before evaluating {}/{}", LogSafe.text(name), LogSafe.text(version));
        }
        if (!owned(partition, name + "/" + version)) {
            return;
        }
        Optional<DecisionStore.Stored> stored = decisions.find(name, version);
        if (stored.isPresent()) {
            if (stored.get().published()) {
                log.info("{}/{} was already decided; redelivered TrainingCompleted {} changes nothing", LogSafe.text(name), LogSafe.text(version),
                        event.getHeader().getEventId());
                return;
            }
            log.info("{}/{} was decided but the decision was not published; publishing it now", LogSafe.text(name), LogSafe.text(version));
            publish(name, codec.decode(stored.get().event()));
            decisions.save(name, version, stored.get().event(), true);
            return;
        }
        ModelEvaluator.Champion champion = champion(name, version);
        long started = System.nanoTime();
        Optional<Mark> blocked = registry.blocked(name, version);
        ModelEvaluator.Outcome outcome = blocked.isPresent()
                // an operator marked it as never to be deployed: rejected without scoring, the block's reason visible in the event
                ? new ModelEvaluator.Outcome(Verdict.failed("blocked by " + blocked.get().actor() + " at " + blocked.get().at() + ": "
                        + blocked.get().reason()), null, null)
                : evaluator.evaluate(Verdicts.candidate(event), champion, properties.gatesFor(name));
        SpecificRecord decision = Verdicts.toEvent(event, outcome, champion != null, headers);
        byte[] encoded = codec.encode(decision);
        decisions.save(name, version, encoded, false);
        if (!owned(partition, name + "/" + version)) {
            return; // the new owner finds the stored decision and publishes that very event
        }
        publish(name, decision);
        decisions.save(name, version, encoded, true);
        log.info("{}/{} {} in {} ms{}", name, version, outcome.verdict().approved() ? "approved" : "rejected",
                (System.nanoTime() - started) / 1_000_000,
                outcome.verdict().approved() ? "" : ": " + String.join("; ", outcome.verdict().reasons()));
    }

    /**
     * What the challenger is compared with: the registry's champion (a version an operator pinned, else the routing table's
     * stable route) unless it is this very version; null when none is known or its model URI is not.
     */
    private ModelEvaluator.Champion champion(String name, String version) {
        String champion = registry.champion(name).filter(v -> !v.equals(version)).orElse(null);
        if (champion == null) {
            return null;
        }
        String uri = registry.routing(name).filter(r -> champion.equals(r.stable())).map(ModelRegistry.Routing::stableUri)
                .or(() -> registry.get(name, champion).map(io.sluice.evaluation.domain.ModelVersion::modelUri)).orElse(null);
        return uri == null ? null : new ModelEvaluator.Champion(champion, uri);
    }

    private void publish(String modelName, SpecificRecord decision) {
        if (!bridge.send(BINDING, MessageBuilder.withPayload(decision).setHeader(KafkaHeaders.KEY, modelName).build())) {
            throw new IllegalStateException("could not publish " + decision.getSchema().getName() + " for " + modelName);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
