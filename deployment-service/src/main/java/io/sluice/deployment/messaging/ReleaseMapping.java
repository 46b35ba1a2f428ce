package io.sluice.deployment.messaging;

import java.util.List;

import org.apache.avro.specific.SpecificRecord;

import io.sluice.deployment.domain.Check;
import io.sluice.deployment.domain.Phase;
import io.sluice.deployment.domain.ReleaseEvent;
import io.sluice.deployment.domain.ReleaseEvent.Held;
import io.sluice.deployment.domain.ReleaseEvent.Meta;
import io.sluice.deployment.domain.ReleaseEvent.Promoted;
import io.sluice.deployment.domain.ReleaseEvent.RolledBack;
import io.sluice.deployment.domain.ReleaseEvent.Shifted;
import io.sluice.deployment.domain.ReleaseEvent.Started;
import io.sluice.deployment.domain.ReleaseInput;
import io.sluice.deployment.domain.ReleaseInput.Outcome;
import io.sluice.deployment.domain.Route;
import io.sluice.deployment.domain.RouteRole;
import io.sluice.deployment.domain.RoutingTable;
import io.sluice.deployment.domain.Strategy;
import io.sluice.events.CanaryDegraded;
import io.sluice.events.CanaryHealthy;
import io.sluice.events.CanaryInconclusive;
import io.sluice.events.CanaryStarted;
import io.sluice.events.CheckDecision;
import io.sluice.events.DeploymentState;
import io.sluice.events.EventHeader;
import io.sluice.events.MetricCheck;
import io.sluice.events.ModelApproved;
import io.sluice.events.ModelPromoted;
import io.sluice.events.OperatorAction;
import io.sluice.events.OperatorCommandIssued;
import io.sluice.events.ReleaseHeld;
import io.sluice.events.ReleasePhase;
import io.sluice.events.ReleaseStrategy;
import io.sluice.events.RolledBack.Builder;
import io.sluice.events.TrafficShifted;

/** Maps Avro events to release inputs and events, and release events and routing tables back to Avro. */
final class ReleaseMapping {

    private final String producer;

    /** @param producer {@code service/version} written into every header */
    ReleaseMapping(String producer) {
        this.producer = producer;
    }

    /** An approval as a release input. */
    static ReleaseInput.Approved approved(ModelApproved e) {
        return new ReleaseInput.Approved(e.getHeader().getEventId(), e.getHeader().getOccurredAt(), e.getHeader().getCorrelationId(),
                e.getModelName(), e.getModelVersion(), e.getModelUri(), strategy(e.getStrategy()));
    }

    /** A monitoring verdict as a release input, or null when the record is no verdict. */
    static ReleaseInput.Verdict verdict(SpecificRecord record) {
        if (record instanceof CanaryHealthy e) {
            return new ReleaseInput.Verdict(e.getHeader().getEventId(), e.getHeader().getOccurredAt(), e.getHeader().getCorrelationId(),
                    e.getModelName(), e.getCanaryVersion(), e.getStableVersion(), e.getStepIndex(), Outcome.HEALTHY,
                    checks(e.getChecks()), e.getReason());
        }
        if (record instanceof CanaryDegraded e) {
            return new ReleaseInput.Verdict(e.getHeader().getEventId(), e.getHeader().getOccurredAt(), e.getHeader().getCorrelationId(),
                    e.getModelName(), e.getCanaryVersion(), e.getStableVersion(), e.getStepIndex(), Outcome.DEGRADED,
                    checks(e.getChecks()), e.getReason());
        }
        if (record instanceof CanaryInconclusive e) {
            return new ReleaseInput.Verdict(e.getHeader().getEventId(), e.getHeader().getOccurredAt(), e.getHeader().getCorrelationId(),
                    e.getModelName(), e.getCanaryVersion(), e.getStableVersion(), e.getStepIndex(), Outcome.INCONCLUSIVE,
                    checks(e.getChecks()), e.getReason());
        }
        return null;
    }

    /** An operator's command record as a release input, or null when its action is unknown to this reader. */
    static ReleaseInput.Command command(OperatorCommandIssued e) {
        if (e.getAction() == OperatorAction.UNKNOWN) {
            return null;
        }
        return new ReleaseInput.Command(e.getHeader().getEventId(), e.getModelName(), ReleaseInput.Action.valueOf(e.getAction().name()),
                e.getActor(), e.getReason(), e.getHeader().getOccurredAt());
    }

    /** The record of an operator's command, its id the header's event id. */
    OperatorCommandIssued toAvro(ReleaseInput.Command command, String role) {
        EventHeader header = new EventHeader(command.id(), command.at(), "operator:" + command.model(), null, producer);
        return new OperatorCommandIssued(header, command.model(), OperatorAction.valueOf(command.action().name()), command.actor(), role,
                command.reason());
    }

    private static Strategy strategy(ReleaseStrategy strategy) {
        return strategy == null || strategy == ReleaseStrategy.UNKNOWN ? null : Strategy.valueOf(strategy.name());
    }

    private static List<Check> checks(List<MetricCheck> checks) {
        return checks.stream().map(c -> new Check(c.getMetric(), c.getCandidateValue(), c.getBaselineValue(), c.getCandidateSamples(),
                c.getBaselineSamples(), c.getStatistic(), c.getThreshold(), c.getDecision().name(), c.getReason())).toList();
    }

    private static List<MetricCheck> metricChecks(List<Check> checks) {
        return checks.stream().map(c -> new MetricCheck(c.metric(), c.candidateValue(), c.baselineValue(), c.candidateSamples(),
                c.baselineSamples(), c.statistic(), c.threshold(), decision(c.decision()), c.reason())).toList();
    }

    private static CheckDecision decision(String name) {
        try {
            return CheckDecision.valueOf(name);
        } catch (IllegalArgumentException | NullPointerException unknown) {
            return CheckDecision.UNKNOWN;
        }
    }

    /** A release event as the Avro event published on the deployments topic. */
    SpecificRecord toAvro(ReleaseEvent event) {
        EventHeader header = header(event.meta());
        if (event instanceof Started e) {
            return new CanaryStarted(header, e.model(), e.version(), e.stableVersion(), ReleaseStrategy.valueOf(e.strategy().name()),
                    e.steps(), e.weight(), e.modelUri());
        }
        if (event instanceof Shifted e) {
            return new TrafficShifted(header, e.model(), e.canaryVersion(), e.stableVersion(), e.stepIndex(), e.fromWeight(),
                    e.toWeight(), e.reason(), e.verdictEventId());
        }
        if (event instanceof Promoted e) {
            return new ModelPromoted(header, e.model(), e.version(), e.previousVersion(), e.actor(), e.reason(), e.verdictEventId());
        }
        if (event instanceof RolledBack e) {
            Builder builder = io.sluice.events.RolledBack.newBuilder().setHeader(header).setModelName(e.model())
                    .setVersion(e.version()).setRestoredVersion(e.restoredVersion()).setActor(e.actor()).setReason(e.reason())
                    .setVerdictEventId(e.verdictEventId()).setEvidence(metricChecks(e.evidence()));
            return builder.build();
        }
        Held e = (Held) event;
        return new ReleaseHeld(header, e.model(), e.version(), e.stepIndex(), e.held(), e.actor(), e.reason());
    }

    /** An event read back from the deployments topic, or null when it is none of ours. */
    static ReleaseEvent fromAvro(SpecificRecord record) {
        if (record instanceof CanaryStarted e) {
            return new Started(meta(e.getHeader()), e.getModelName(), e.getVersion(), e.getStableVersion(),
                    Strategy.valueOf(e.getStrategy() == ReleaseStrategy.UNKNOWN ? "CANARY" : e.getStrategy().name()), e.getSteps(),
                    e.getWeight(), e.getModelUri());
        }
        if (record instanceof TrafficShifted e) {
            return new Shifted(meta(e.getHeader()), e.getModelName(), e.getCanaryVersion(), e.getStableVersion(), e.getStepIndex(),
                    e.getFromWeight(), e.getToWeight(), e.getReason(), e.getVerdictEventId());
        }
        if (record instanceof ModelPromoted e) {
            return new Promoted(meta(e.getHeader()), e.getModelName(), e.getVersion(), e.getPreviousVersion(), e.getActor(),
                    e.getReason(), e.getVerdictEventId());
        }
        if (record instanceof io.sluice.events.RolledBack e) {
            return new RolledBack(meta(e.getHeader()), e.getModelName(), e.getVersion(), e.getRestoredVersion(), e.getActor(),
                    e.getReason(), e.getVerdictEventId(), checks(e.getEvidence()));
        }
        if (record instanceof ReleaseHeld e) {
            return new Held(meta(e.getHeader()), e.getModelName(), e.getVersion(), e.getStepIndex(), e.getHeld(), e.getActor(),
                    e.getReason());
        }
        return null;
    }

    /**
     * The routing-table entry as the compacted topic carries it; its header's causation is the deployments event it reflects.
     */
    DeploymentState toAvro(RoutingTable table, ReleaseEvent cause) {
        EventHeader header = new EventHeader(java.util.UUID.randomUUID().toString(), table.since(), cause.meta().correlationId(),
                cause.meta().eventId(), producer);
        return new DeploymentState(header, table.model(), table.revision(), ReleasePhase.valueOf(table.phase().name()),
                table.routes().stream().map(r -> new io.sluice.events.Route(r.version(), io.sluice.events.RouteRole.valueOf(r.role().name()),
                        r.weight(), r.modelUri())).toList(), table.steps(), table.stepIndex(), table.reason());
    }

    /** A routing-table entry read back from the compacted topic. */
    static RoutingTable fromAvro(DeploymentState state) {
        List<Route> routes = state.getRoutes().stream().filter(r -> r.getRole() != io.sluice.events.RouteRole.UNKNOWN)
                .map(r -> new Route(r.getVersion(), RouteRole.valueOf(r.getRole().name()), r.getWeight(), r.getModelUri())).toList();
        Phase phase = state.getPhase() == ReleasePhase.UNKNOWN ? Phase.IDLE : Phase.valueOf(state.getPhase().name());
        return new RoutingTable(state.getModelName(), state.getRevision(), phase, routes, state.getSteps(), state.getStepIndex(),
                state.getReason(), state.getHeader().getCausationId(), state.getHeader().getOccurredAt());
    }

    private EventHeader header(Meta meta) {
        return new EventHeader(meta.eventId(), meta.at(), meta.correlationId(), meta.causationId(), producer);
    }

    private static Meta meta(EventHeader header) {
        return new Meta(header.getEventId(), header.getOccurredAt(), header.getCorrelationId(), header.getCausationId());
    }
}
