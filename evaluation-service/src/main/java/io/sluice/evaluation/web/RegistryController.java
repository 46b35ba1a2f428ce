package io.sluice.evaluation.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import io.sluice.evaluation.domain.ModelRegistry;
import io.sluice.evaluation.domain.ModelState;
import io.sluice.evaluation.domain.ModelVersion;

/**
 * The model registry's query API, answered from the projection rebuilt from Kafka:
 * {@code GET /models}, {@code GET /models/{name}/versions},
 * {@code GET /models/{name}/versions/{version}} where version may be an alias ({@code champion}: pinned, else production;
 * {@code challenger}: canary; {@code latest}; one an operator set), {@code GET /models/{name}/aliases/{alias}},
 * {@code GET /models/{name}/audit}.
 */
@RestController
class RegistryController {

    private final ModelRegistry registry;

    RegistryController(ModelRegistry registry) {
        this.registry = registry;
    }

    /**
     * One model in the list.
     *
     * @param name       model name
     * @param versions   versions known
     * @param champion   production version, or null
     * @param challenger canary version, or null
     * @param latest     most recently trained version, or null
     */
    record ModelSummary(String name, int versions, String champion, String challenger, String latest) {}

    @GetMapping("/models")
    List<ModelSummary> models() {
        return registry.modelNames().stream().map(name -> {
            List<ModelVersion> versions = registry.versions(name);
            return new ModelSummary(name, versions.size(), registry.champion(name).orElse(null), registry.challenger(name).orElse(null),
                    versions.isEmpty() ? null : versions.get(versions.size() - 1).version());
        }).toList();
    }

    @GetMapping("/models/{name}/versions")
    Map<String, Object> versions(@PathVariable String name) {
        List<ModelVersion> versions = registry.versions(name);
        if (versions.isEmpty() && registry.routing(name).isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no model named '" + name + "'");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("aliases", aliases(registry, name));
        body.put("pinned", registry.aliases(name).entrySet().stream().map(e -> alias(registry, name, e.getKey())).toList());
        body.put("versions", versions);
        return body;
    }

    /** Every alias of a model and the version it names now: champion, challenger, then those operators set. */
    static Map<String, String> aliases(ModelRegistry registry, String name) {
        Map<String, String> aliases = new LinkedHashMap<>();
        aliases.put("champion", registry.champion(name).orElse(null));
        aliases.put("challenger", registry.challenger(name).orElse(null));
        new java.util.TreeMap<>(registry.aliases(name)).forEach((alias, set) -> aliases.putIfAbsent(alias, set.version()));
        return aliases;
    }

    private static Map<String, Object> alias(ModelRegistry registry, String name, String alias) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("alias", alias);
        body.put("version", registry.alias(name, alias).orElse(null));
        ModelState.Alias set = registry.aliases(name).get(alias);
        body.put("pinned", set != null);
        body.put("set", set == null ? null : set.set());
        return body;
    }

    @GetMapping("/models/{name}/aliases/{alias}")
    Map<String, Object> alias(@PathVariable String name, @PathVariable String alias) {
        if (registry.alias(name, alias).isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "model '" + name + "' has no alias '" + alias + "'");
        }
        return alias(registry, name, alias);
    }

    @GetMapping("/models/{name}/audit")
    Map<String, Object> audit(@PathVariable String name) {
        if (registry.versions(name).isEmpty() && registry.routing(name).isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no model named '" + name + "'");
        }
        return Map.of("name", name, "commands", registry.audit(name).stream().map(a -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("commandId", a.command().id());
            entry.put("action", a.command().action());
            entry.put("alias", a.command().alias());
            entry.put("version", a.command().version());
            entry.put("actor", a.command().actor());
            entry.put("at", a.command().at());
            entry.put("reason", a.command().reason());
            entry.put("applied", a.applied());
            entry.put("note", a.note());
            return entry;
        }).toList());
    }

    @GetMapping("/models/{name}/versions/{version}")
    ModelVersion version(@PathVariable String name, @PathVariable String version) {
        return registry.resolve(name, version).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                "model '" + name + "' has no version '" + version + "'"));
    }
}
