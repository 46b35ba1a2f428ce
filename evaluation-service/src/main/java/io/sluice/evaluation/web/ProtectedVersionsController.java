package io.sluice.evaluation.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.sluice.evaluation.domain.ModelRegistry;
import io.sluice.evaluation.registry.RegistryProjection;

/**
 * {@code GET /retention/protected-versions}: what retention must keep whatever its age, from the registry rebuilt from
 * Kafka ({@link ModelRegistry#protectedVersions}), with whether the registry is current — {@code sluice gc} deletes
 * nothing while it is not.
 */
@RestController
class ProtectedVersionsController {

    private final ModelRegistry registry;
    private final RegistryProjection projection;

    ProtectedVersionsController(ModelRegistry registry, RegistryProjection projection) {
        this.registry = registry;
        this.projection = projection;
    }

    /**
     * The answer.
     *
     * @param current whether the registry has applied everything up to the end of its topics (see the readiness details)
     * @param models  every model the registry knows → protected version → reasons (a known model may protect nothing)
     */
    record Protected(boolean current, Map<String, Map<String, List<String>>> models) {}

    @GetMapping("/retention/protected-versions")
    Protected protectedVersions() {
        Map<String, Map<String, List<String>>> models = new LinkedHashMap<>();
        registry.modelNames().forEach(name -> models.put(name, registry.protectedVersions(name)));
        return new Protected(projection.status().current(), models);
    }
}
