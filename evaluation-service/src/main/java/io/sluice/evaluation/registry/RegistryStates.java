package io.sluice.evaluation.registry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.sluice.evaluation.domain.GateResult;
import io.sluice.evaluation.domain.Mark;
import io.sluice.evaluation.domain.ModelRegistry;
import io.sluice.evaluation.domain.ModelState;
import io.sluice.evaluation.domain.ModelVersion;
import io.sluice.evaluation.domain.RegistryCommand;
import io.sluice.evaluation.domain.Stage;
import io.sluice.events.EventHeader;
import io.sluice.events.RegistryAlias;
import io.sluice.events.RegistryAuditEntry;
import io.sluice.events.RegistryDecision;
import io.sluice.events.RegistryMark;
import io.sluice.events.RegistryRouting;
import io.sluice.events.RegistryServed;
import io.sluice.events.RegistryStageChange;
import io.sluice.events.RegistryState;
import io.sluice.events.RegistryVersion;

/** Maps one model's registry state to the compacted topic's {@code RegistryState} record and back, field for field. */
final class RegistryStates {

    private RegistryStates() {}

    static RegistryState toAvro(ModelState s, EventHeader header) {
        return RegistryState.newBuilder().setHeader(header).setModelName(s.modelName())
                .setVersions(s.versions().stream().map(RegistryStates::version).toList())
                .setRouting(s.routing() == null ? null
                        : new RegistryRouting(s.routing().revision(), s.routing().stable(), s.routing().stableUri(), s.routing().canary(),
                                s.routing().routes().stream().map(r -> new RegistryServed(r.version(), r.role(), r.weight())).toList()))
                .setAliases(s.aliases().entrySet().stream().map(e -> new RegistryAlias(e.getKey(), e.getValue().version(),
                        mark(e.getValue().set()))).toList())
                .setAudit(s.audit().stream().map(a -> new RegistryAuditEntry(a.command().id(), a.command().action().name(),
                        a.command().alias(), a.command().version(), a.command().actor(), a.command().role(), a.command().reason(),
                        a.command().at(), a.applied(), a.note())).toList())
                .setAppliedEventIds(List.copyOf(s.appliedEventIds())).build();
    }

    static ModelState fromAvro(RegistryState r) {
        Map<String, ModelState.Alias> aliases = new LinkedHashMap<>();
        r.getAliases().forEach(a -> aliases.put(a.getAlias(), new ModelState.Alias(a.getVersion(), mark(a.getSet()))));
        RegistryRouting routing = r.getRouting();
        return new ModelState(r.getModelName(), r.getVersions().stream().map(v -> version(r.getModelName(), v)).toList(),
                routing == null ? null : new ModelRegistry.Routing(routing.getRevision(), routing.getStable(), routing.getStableUri(),
                        routing.getCanary(), routing.getRoutes().stream()
                                .map(x -> new ModelRegistry.Served(x.getVersion(), x.getRole(), x.getWeight())).toList()),
                aliases,
                r.getAudit().stream().map(a -> new RegistryCommand.Audited(new RegistryCommand(a.getCommandId(), r.getModelName(),
                        action(a.getAction()), a.getAlias(), a.getVersion(), a.getActor(), a.getRole(), a.getReason(), a.getAt()),
                        a.getApplied(), a.getNote())).toList(),
                List.copyOf(r.getAppliedEventIds()));
    }

    private static RegistryVersion version(ModelVersion v) {
        ModelVersion.Decision d = v.decision();
        return RegistryVersion.newBuilder().setVersion(v.version()).setStage(v.stage().name()).setRunId(v.runId())
                .setDatasetName(v.datasetName()).setDatasetVersion(v.datasetVersion()).setParentVersion(v.parentVersion())
                .setModelUri(v.modelUri()).setTrainedAt(v.trainedAt())
                .setDecision(d == null ? null : RegistryDecision.newBuilder().setApproved(d.approved()).setAccuracy(d.accuracy())
                        .setLoss(d.loss()).setMacroF1(d.macroF1()).setMcc(d.mcc())
                        .setGates(d.gates().stream().map(g -> new io.sluice.events.GateResult(g.gate(), g.value(), g.threshold(),
                                g.comparator(), g.passed(), g.detail())).toList())
                        .setReasons(List.copyOf(d.reasons())).setChampionVersion(d.championVersion()).setMetricsUri(d.metricsUri())
                        .setConfusionMatrixUri(d.confusionMatrixUri()).setDecidedAt(d.decidedAt()).build())
                .setHistory(v.history().stream().map(h -> new RegistryStageChange(h.stage().name(), h.at(), h.reason())).toList())
                .setBlocked(v.blocked() == null ? null : mark(v.blocked()))
                .setNotes(v.notes().stream().map(RegistryStates::mark).toList()).build();
    }

    private static ModelVersion version(String modelName, RegistryVersion v) {
        RegistryDecision d = v.getDecision();
        return new ModelVersion(modelName, v.getVersion(), stage(v.getStage()), v.getRunId(), v.getDatasetName(), v.getDatasetVersion(),
                v.getParentVersion(), v.getModelUri(), v.getTrainedAt(),
                d == null ? null : new ModelVersion.Decision(d.getApproved(), d.getAccuracy(), d.getLoss(), d.getMacroF1(), d.getMcc(),
                        d.getGates().stream().map(g -> new GateResult(g.getGate(), g.getValue(), g.getThreshold(), g.getComparator(),
                                g.getPassed(), g.getDetail())).toList(),
                        List.copyOf(d.getReasons()), d.getChampionVersion(), d.getMetricsUri(), d.getConfusionMatrixUri(), d.getDecidedAt()),
                v.getHistory().stream().map(h -> new ModelVersion.StageChange(stage(h.getStage()), h.getAt(), h.getReason())).toList(),
                v.getBlocked() == null ? null : mark(v.getBlocked()), v.getNotes().stream().map(RegistryStates::mark).toList());
    }

    private static RegistryMark mark(Mark m) {
        return new RegistryMark(m.actor(), m.at(), m.reason(), m.commandId());
    }

    private static Mark mark(RegistryMark m) {
        return new Mark(m.getActor(), m.getAt(), m.getReason(), m.getCommandId());
    }

    /** A stage written by this or a later version; an unknown name reads as candidate rather than failing the restore. */
    private static Stage stage(String name) {
        for (Stage s : Stage.values()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return Stage.CANDIDATE;
    }

    private static RegistryCommand.Action action(String name) {
        RegistryCommand.Action action = RegistryCommand.Action.parse(name);
        return action == null ? RegistryCommand.Action.UNKNOWN : action;
    }
}
