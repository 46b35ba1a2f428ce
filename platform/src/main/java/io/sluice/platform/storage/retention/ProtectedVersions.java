package io.sluice.platform.storage.retention;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the running system says must stay, whatever its age: per model the registry knows, each protected version with
 * every reason (serving, champion, alias, rollback target, lineage of one of these). A model missing here is unknown to
 * the registry, so none of its versions can be shown not to serve: the sweeper keeps them.
 *
 * @param byModel model name → version → reasons, each a few words (e.g. {@code serving: stable, weight 100})
 */
public record ProtectedVersions(Map<String, Map<String, List<String>>> byModel) {

    public ProtectedVersions {
        byModel = Map.copyOf(byModel);
    }

    /** Whether the registry knows the model. */
    public boolean knows(String model) {
        return byModel.containsKey(model);
    }

    /** Why a version must stay, or empty when nothing protects it. */
    public Optional<List<String>> reasons(String model, String version) {
        return Optional.ofNullable(byModel.getOrDefault(model, Map.of()).get(version)).filter(r -> !r.isEmpty());
    }
}
