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
import io.sluice.evaluation.domain.ModelVersion;

/**
 * The model registry's query API, answered from the projection rebuilt from Kafka:
 * {@code GET /models}, {@code GET /models/{name}/versions},
 * {@code GET /models/{name}/versions/{version}} where version may be the alias {@code champion}
 * (production) or {@code challenger} (canary).
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
        Map<String, String> aliases = new LinkedHashMap<>();
        aliases.put("champion", registry.champion(name).orElse(null));
        aliases.put("challenger", registry.challenger(name).orElse(null));
        body.put("aliases", aliases);
        body.put("versions", versions);
        return body;
    }

    @GetMapping("/models/{name}/versions/{version}")
    ModelVersion version(@PathVariable String name, @PathVariable String version) {
        return registry.resolve(name, version).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                "model '" + name + "' has no version '" + version + "'"));
    }
}
