package io.sluice.evaluation.domain;

import java.util.List;
import java.util.Map;

/**
 * Everything the registry holds about one model: what is written to the compacted registry topic after a change and
 * restored from it on start, so it outlives the event topics.
 *
 * @param modelName       model name
 * @param versions        every version, by training time
 * @param routing         the routing table last seen, or null
 * @param aliases         aliases set by operators, by name
 * @param audit           every registry command folded, oldest first
 * @param appliedEventIds ids of the deployment events and commands folded (a replay over this state changes nothing)
 */
public record ModelState(String modelName, List<ModelVersion> versions, ModelRegistry.Routing routing, Map<String, Alias> aliases,
                         List<RegistryCommand.Audited> audit, List<String> appliedEventIds) {

    /**
     * An alias set by an operator.
     *
     * @param version the version it points to
     * @param set     who set it, when and why
     */
    public record Alias(String version, Mark set) {}
}
