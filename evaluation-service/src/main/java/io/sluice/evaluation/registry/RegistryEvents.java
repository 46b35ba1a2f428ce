package io.sluice.evaluation.registry;

import java.time.Instant;
import java.util.List;

import org.apache.avro.specific.SpecificRecord;

import io.sluice.evaluation.domain.ModelRegistry;
import io.sluice.evaluation.domain.ModelVersion;
import io.sluice.evaluation.domain.RegistryCommand;
import io.sluice.events.CanaryStarted;
import io.sluice.events.DeploymentState;
import io.sluice.events.EvaluationMetrics;
import io.sluice.events.ModelApproved;
import io.sluice.events.ModelPromoted;
import io.sluice.events.ModelRejected;
import io.sluice.events.RegistryAction;
import io.sluice.events.RegistryCommandIssued;
import io.sluice.events.RolledBack;
import io.sluice.events.Route;
import io.sluice.events.RouteRole;
import io.sluice.events.TrainingCompleted;

/** Applies one Avro event to the registry projection; events of other types are ignored. */
final class RegistryEvents {

    private RegistryEvents() {}

    /** Applies the event; returns whether it was a type the registry records. */
    static boolean apply(ModelRegistry registry, SpecificRecord event) {
        if (event instanceof TrainingCompleted e) {
            registry.trained(lineage(e));
        } else if (event instanceof ModelApproved e) {
            registry.decided(e.getModelName(), e.getModelVersion(), lineage(e.getModelName(), e.getModelVersion(), e.getRunId(),
                    e.getDatasetName(), e.getDatasetVersion(), e.getParentModelVersion(), e.getModelUri(), e.getHeader().getOccurredAt()),
                    decision(true, e.getMetrics(), e.getGates(), List.of(), e.getChampion() == null ? null : e.getChampion().getChampionVersion(),
                            e.getMetricsUri(), e.getConfusionMatrixUri(), e.getHeader().getOccurredAt()));
        } else if (event instanceof ModelRejected e) {
            registry.decided(e.getModelName(), e.getModelVersion(), lineage(e.getModelName(), e.getModelVersion(), e.getRunId(),
                    e.getDatasetName(), e.getDatasetVersion(), e.getParentModelVersion(), e.getModelUri(), e.getHeader().getOccurredAt()),
                    decision(false, e.getMetrics(), e.getGates(), e.getReasons(), e.getChampion() == null ? null : e.getChampion().getChampionVersion(),
                            e.getMetricsUri(), e.getConfusionMatrixUri(), e.getHeader().getOccurredAt()));
        } else if (event instanceof CanaryStarted e) {
            registry.once(e.getModelName(), e.getHeader().getEventId(),
                    () -> registry.canaryStarted(e.getModelName(), e.getVersion(), e.getModelUri(), e.getHeader().getOccurredAt()));
        } else if (event instanceof ModelPromoted e) {
            registry.once(e.getModelName(), e.getHeader().getEventId(),
                    () -> registry.promoted(e.getModelName(), e.getVersion(), e.getHeader().getOccurredAt(), e.getReason()));
        } else if (event instanceof RolledBack e) {
            registry.once(e.getModelName(), e.getHeader().getEventId(), () -> registry.rolledBack(e.getModelName(), e.getVersion(),
                    e.getRestoredVersion(), e.getHeader().getOccurredAt(), e.getReason()));
        } else if (event instanceof RegistryCommandIssued e) {
            registry.command(command(e));
        } else if (event instanceof DeploymentState e) {
            Route stable = route(e, RouteRole.STABLE);
            Route canary = route(e, RouteRole.CANARY);
            registry.routed(e.getModelName(), new ModelRegistry.Routing(e.getRevision(), stable == null ? null : stable.getVersion(),
                    stable == null ? null : stable.getModelUri(), canary == null ? null : canary.getVersion(),
                    e.getRoutes().stream().map(r -> new ModelRegistry.Served(r.getVersion(), r.getRole().name().toLowerCase(java.util.Locale.ROOT),
                            r.getWeight())).toList()));
        } else {
            return false;
        }
        return true;
    }

    /** The domain's view of a registry command. */
    static RegistryCommand command(RegistryCommandIssued e) {
        RegistryCommand.Action action = switch (e.getAction()) {
            case SET_ALIAS -> RegistryCommand.Action.SET_ALIAS;
            case REMOVE_ALIAS -> RegistryCommand.Action.REMOVE_ALIAS;
            case BLOCK -> RegistryCommand.Action.BLOCK;
            case UNBLOCK -> RegistryCommand.Action.UNBLOCK;
            case ANNOTATE -> RegistryCommand.Action.ANNOTATE;
            case UNKNOWN -> RegistryCommand.Action.UNKNOWN;
        };
        return new RegistryCommand(e.getHeader().getEventId(), e.getModelName(), action, e.getAlias(), e.getVersion(), e.getActor(),
                e.getRole(), e.getReason(), e.getHeader().getOccurredAt());
    }

    /** The event of a registry command. */
    static RegistryCommandIssued event(RegistryCommand c, io.sluice.events.EventHeader header) {
        RegistryAction action = switch (c.action()) {
            case SET_ALIAS -> RegistryAction.SET_ALIAS;
            case REMOVE_ALIAS -> RegistryAction.REMOVE_ALIAS;
            case BLOCK -> RegistryAction.BLOCK;
            case UNBLOCK -> RegistryAction.UNBLOCK;
            case ANNOTATE -> RegistryAction.ANNOTATE;
            case UNKNOWN -> RegistryAction.UNKNOWN;
        };
        return RegistryCommandIssued.newBuilder().setHeader(header).setModelName(c.modelName()).setAction(action).setAlias(c.alias())
                .setVersion(c.version()).setActor(c.actor()).setRole(c.role()).setReason(c.reason()).build();
    }

    static ModelRegistry.Trained lineage(TrainingCompleted e) {
        return lineage(e.getModelName(), e.getModelVersion(), e.getRunId(), e.getDatasetName(), e.getDatasetVersion(),
                e.getParentModelVersion(), e.getModelUri(), e.getHeader().getOccurredAt());
    }

    private static ModelRegistry.Trained lineage(String name, String version, String runId, String dataset, String datasetVersion,
                                                 String parent, String modelUri, Instant at) {
        return new ModelRegistry.Trained(name, version, runId, dataset, datasetVersion, parent, modelUri, at);
    }

    private static ModelVersion.Decision decision(boolean approved, EvaluationMetrics m, List<io.sluice.events.GateResult> gates,
                                                  List<String> reasons, String championVersion, String metricsUri, String pngUri, Instant at) {
        return new ModelVersion.Decision(approved, m == null ? null : m.getAccuracy(), m == null ? null : m.getLoss(),
                m == null ? null : m.getMacroF1(), m == null ? null : m.getMcc(),
                gates.stream().map(g -> new io.sluice.evaluation.domain.GateResult(g.getGate(), g.getValue(), g.getThreshold(),
                        g.getComparator(), g.getPassed(), g.getDetail())).toList(),
                List.copyOf(reasons), championVersion, metricsUri, pngUri, at);
    }

    /** The route of a role with the highest weight, or null. */
    private static Route route(DeploymentState state, RouteRole role) {
        return state.getRoutes().stream().filter(r -> r.getRole() == role)
                .max(java.util.Comparator.comparingInt(Route::getWeight)).orElse(null);
    }
}
