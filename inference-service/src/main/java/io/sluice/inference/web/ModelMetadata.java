package io.sluice.inference.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.sluice.inference.domain.HostedVersion;
import io.sluice.inference.domain.ModelHost;
import io.sluice.inference.domain.ModelInfo;
import io.sluice.inference.domain.ModelRoutes;
import io.sluice.inference.domain.Route;
import io.sluice.inference.domain.UnknownModelException;

/**
 * KServe v2 model metadata, extended with the routing table, each hosted version's state, cache location and size, and
 * the versions kept loaded after they left the table.
 */
public final class ModelMetadata {

    /** The server's name in its metadata. */
    public static final String SERVER_NAME = "sluice-inference";
    /** The protocol extensions the server metadata lists. */
    public static final List<String> EXTENSIONS = List.of("model_repository_metadata", "sluice_predict", "sluice_feedback",
            "sluice_routing");

    /** The platform name the metadata gives. */
    public static final String PLATFORM = "pytorch_djl";

    /**
     * What the protocol's metadata says of a model, whichever protocol asks.
     *
     * @param versions  the pinned version, or every version of the routing table
     * @param signature the loaded version whose input and outputs are described (an answering one with weight first), or
     *                  null while none is loaded
     */
    public record Summary(List<String> versions, ModelInfo signature) {}

    private ModelMetadata() {}

    /** The server version from {@code sluice.producer} ({@code inference-service/<version>}). */
    public static String serverVersion(String producer) {
        return producer.contains("/") ? producer.substring(producer.indexOf('/') + 1) : producer;
    }

    /**
     * @throws UnknownModelException when the pinned version is not in the table
     */
    public static Summary summary(ModelRoutes routes, String pinned, ModelHost host) {
        if (pinned != null && routes.route(pinned).isEmpty()) {
            throw new UnknownModelException("model '" + routes.model() + "' has no version '" + pinned + "'");
        }
        List<String> versions = new ArrayList<>();
        ModelInfo signature = null;
        for (Route route : routes.routes()) {
            if (pinned != null && !pinned.equals(route.version())) {
                continue;
            }
            versions.add(route.version());
            ModelInfo info = host.version(routes.model(), route.version()).map(HostedVersion::info).orElse(null);
            if (info != null && (signature == null || route.role().answers() && route.weight() > 0)) {
                signature = info;
            }
        }
        return new Summary(versions, signature);
    }

    static Map<String, Object> of(ModelRoutes routes, String pinned, ModelHost host) {
        ModelInfo signature = summary(routes, pinned, host).signature();
        List<Map<String, Object>> versions = new ArrayList<>();
        for (Route route : routes.routes()) {
            if (pinned != null && !pinned.equals(route.version())) {
                continue;
            }
            Optional<HostedVersion> hosted = host.version(routes.model(), route.version());
            Map<String, Object> version = new LinkedHashMap<>();
            version.put("version", route.version());
            version.put("role", route.role().name());
            version.put("weight", route.weight());
            version.put("modelUri", route.modelUri());
            version.put("state", hosted.map(h -> h.state().name()).orElse("NOT_LOADED"));
            hosted.map(HostedVersion::reason).ifPresent(reason -> version.put("reason", reason));
            hosted.map(HostedVersion::since).ifPresent(since -> version.put("since", since.toString()));
            ModelInfo info = hosted.map(HostedVersion::info).orElse(null);
            if (info != null) {
                version.put("cacheDir", info.cacheDir().toString());
                version.put("sizeBytes", info.sizeBytes());
                version.put("device", info.device());
                version.put("classNames", info.classNames());
                version.put("queued", hosted.get().queued());
            }
            versions.add(version);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", routes.model());
        body.put("versions", versions.stream().map(v -> v.get("version")).toList());
        body.put("platform", PLATFORM);
        if (signature != null) {
            List<Object> shape = new ArrayList<>();
            shape.add(-1);
            shape.addAll(signature.inputShape());
            body.put("inputs", List.of(Map.of("name", "input", "datatype", "FP32", "shape", shape)));
            body.put("outputs", List.of(
                    Map.of("name", "probabilities", "datatype", "FP32", "shape", List.of(-1, signature.classNames().size())),
                    Map.of("name", "label", "datatype", "BYTES", "shape", List.of(-1))));
        }
        Map<String, Object> sluice = new LinkedHashMap<>();
        sluice.put("revision", routes.revision());
        Optional<String> notReady = host.notReady(routes);
        sluice.put("ready", notReady.isEmpty());
        notReady.ifPresent(reason -> sluice.put("notReadyReason", reason));
        sluice.put("loaded", versions);
        if (pinned == null) {
            Map<String, String> retained = new LinkedHashMap<>();
            host.retainedUntil(routes.model()).forEach((version, until) -> retained.put(version, until.toString()));
            sluice.put("retained", retained); // left the table, still loaded for a rollback until then
        }
        body.put("parameters", sluice);
        return body;
    }
}
