package io.sluice.evaluation.messaging;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sluice.evaluation.registry.RegistryProjection;
import io.sluice.events.TrainingCompleted;
import io.sluice.events.codec.EventCodec;
import io.sluice.platform.events.PartitionReplay;
import io.sluice.platform.kafka.KafkaClients;
import io.sluice.platform.messaging.OwnedPartitions;
import io.sluice.platform.security.LogSafe;

/**
 * Evaluation decides on the owner only: when the {@code evaluation-service} group assigns this replica partition <i>n</i> of the
 * training topic, it replays that partition and resumes every trained version there that has no decision yet (its offset may
 * have been committed while an earlier owner was still evaluating it). No other replica evaluates them; nothing is done on
 * revocation, because the runner publishes only while it owns the partition.
 */
public final class EvaluationOwnership implements OwnedPartitions.Owner {

    private static final Logger log = LoggerFactory.getLogger(EvaluationOwnership.class);

    private final RegistryProjection projection;
    private final EvaluationRunner runner;
    private final KafkaClients clients;
    private final EventCodec codec;
    private final String trainingTopic;
    private final Duration timeout;

    public EvaluationOwnership(RegistryProjection projection, EvaluationRunner runner, KafkaClients clients, EventCodec codec,
                               String trainingTopic, Duration timeout) {
        this.projection = projection;
        this.runner = runner;
        this.clients = clients;
        this.codec = codec;
        this.trainingTopic = trainingTopic;
        this.timeout = timeout;
    }

    @Override
    public void assigned(Set<Integer> partitions) {
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!projection.awaitCaughtUp(Duration.ofSeconds(5))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the model registry did not catch up within " + timeout);
                }
                log.info("waiting for the model registry before resuming partitions {}", partitions);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the model registry", e);
        }
        var topicPartitions = PartitionReplay.partitions(clients, List.of(trainingTopic), partitions, timeout);
        int resumed = 0;
        for (PartitionReplay.Replayed replayed : PartitionReplay.readToEnd(clients, "evaluation-service-resume", codec, topicPartitions,
                timeout)) {
            if (replayed.event() instanceof TrainingCompleted e && !projection.decided(e.getModelName(), e.getModelVersion())) {
                try {
                    runner.submit(e, replayed.partition());
                    resumed++;
                } catch (RuntimeException bad) {
                    log.warn("cannot resume the evaluation of {}/{}: {}", LogSafe.text(e.getModelName()), LogSafe.text(e.getModelVersion()), LogSafe.text(bad));
                }
            }
        }
        log.info("owning training partitions {}: {} undecided version(s) resumed", partitions, resumed);
        projection.flush(); // models now owned here whose state was not written yet
    }

    @Override
    public void revoked(Set<Integer> partitions) {
        // evaluations in flight for these partitions finish but are not published (the runner checks ownership first)
    }
}
