package io.sluice.monitoring.messaging;

import java.util.List;

import org.apache.avro.specific.SpecificRecord;
import org.springframework.stereotype.Component;

import io.sluice.events.CanaryDegraded;
import io.sluice.events.CanaryHealthy;
import io.sluice.events.CanaryInconclusive;
import io.sluice.events.DriftDetected;
import io.sluice.events.EventHeader;
import io.sluice.events.ModelPromoted;
import io.sluice.events.RetrainingRequested;
import io.sluice.events.codec.EventCodec;
import io.sluice.monitoring.MonitoringProperties;
import io.sluice.monitoring.domain.MonitoringMemory;
import io.sluice.monitoring.domain.Promotion;
import io.sluice.monitoring.domain.Release;
import io.sluice.platform.events.EventHeaders;
import io.sluice.platform.events.FollowedState;
import io.sluice.platform.events.TopicFollower;
import io.sluice.platform.kafka.KafkaClients;

/**
 * What monitoring already decided, on every replica: follows {@code sluice.monitoring} (verdicts and drift events),
 * {@code sluice.training} (retraining requests) and {@code sluice.deployments} (promotions) from the beginning with
 * platform's {@link TopicFollower} (every partition, no consumer group, clients from Spring's Kafka settings, retried
 * with backoff through broker outages) into {@link MonitoringMemory}. The analysis loops wait for {@link #ready()}: until
 * the history is caught up, a replica that just took a model over (or restarted) would publish a step's verdict again or
 * request retraining inside the cooldown. Not current (readiness DOWN) while it is behind.
 */
@Component
class DecisionHistory implements FollowedState, TopicFollower.Listener {

    private final MonitoringMemory memory;
    private final String service;
    private final TopicFollower follower;

    DecisionHistory(KafkaClients clients, EventCodec codec, MonitoringProperties properties, MonitoringMemory memory,
                    EventHeaders headers) {
        this.memory = memory;
        String producer = headers.producer();
        this.service = producer.contains("/") ? producer.substring(0, producer.indexOf('/')) : producer;
        this.follower = new TopicFollower("monitoring-service-history", clients, codec,
                List.of(properties.topics().monitoring(), properties.topics().training(), properties.topics().deployments()), this);
    }

    /** True once everything published before the start has been read and the follower keeps up (it may fall behind again). */
    boolean ready() {
        return follower.hasCaughtUp() && follower.status().current();
    }

    /** Feeds one event into the memory; other event types are skipped. */
    @Override
    public void onEvent(String topic, String key, SpecificRecord event) {
        if (event instanceof ModelPromoted promoted) {
            EventHeader header = promoted.getHeader();
            memory.promotions().observed(new Promotion(promoted.getModelName(), promoted.getVersion(), promoted.getPreviousVersion(),
                    header.getOccurredAt(), header.getEventId(), header.getCorrelationId()));
        } else if (event instanceof CanaryDegraded degraded && degraded.getStepIndex() < 0) {
            // step -1 is a production check or a shadow; the step key (version, start) tells them apart, so both gates learn it
            String stepKey = Release.stepKey(degraded.getCanaryVersion(), degraded.getStepIndex(), degraded.getWindow().getStart());
            memory.production().observed(degraded.getModelName(), stepKey, true, degraded.getHeader().getOccurredAt());
            memory.canaries().observed(degraded.getModelName(), stepKey, true, degraded.getHeader().getOccurredAt());
        } else if (event instanceof CanaryDegraded degraded) {
            memory.canaries().observed(degraded.getModelName(), Release.stepKey(degraded.getCanaryVersion(), degraded.getStepIndex(),
                    degraded.getWindow().getStart()), true, degraded.getHeader().getOccurredAt());
        } else if (event instanceof CanaryHealthy healthy) {
            memory.canaries().observed(healthy.getModelName(), Release.stepKey(healthy.getCanaryVersion(), healthy.getStepIndex(),
                    healthy.getWindow().getStart()), true, healthy.getHeader().getOccurredAt());
        } else if (event instanceof CanaryInconclusive held) {
            memory.canaries().observed(held.getModelName(), Release.stepKey(held.getCanaryVersion(), held.getStepIndex(),
                    held.getWindow().getStart()), false, held.getHeader().getOccurredAt());
        } else if (event instanceof DriftDetected drift && ours(drift.getHeader())) {
            memory.drifts().observed(MonitoringMemory.driftKey(drift.getModelName(), drift.getModelVersion(), drift.getKind().name()),
                    drift.getHeader().getOccurredAt());
        } else if (event instanceof RetrainingRequested retraining && ours(retraining.getHeader())) {
            memory.retrainings().observed(retraining.getModelName(), retraining.getHeader().getOccurredAt());
        }
    }

    /** True for an event this service published (another producer's retraining request does not start our cooldown). */
    private boolean ours(EventHeader header) {
        String producer = header.getProducer();
        return producer != null && (producer.equals(service) || producer.startsWith(service + "/"));
    }

    @Override
    public String name() {
        return "monitoringHistory";
    }

    @Override
    public TopicFollower follower() {
        return follower;
    }
}
