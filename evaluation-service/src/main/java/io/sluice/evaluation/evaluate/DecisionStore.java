package io.sluice.evaluation.evaluate;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.storage.ObjectStore;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Remembers every decision durably in the models bucket, at
 * {@code evaluations/<model>/<version>/decision.json}: the encoded decision event and whether it was
 * published. A redelivered {@code TrainingCompleted} finds it and yields the same decision — the
 * very same event, republished only if it never left — instead of a second one.
 */
public final class DecisionStore {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ObjectStore store;
    private final URI modelsBucket;

    public DecisionStore(ObjectStore store, URI modelsBucket) {
        this.store = store;
        this.modelsBucket = modelsBucket.toString().endsWith("/") ? modelsBucket : URI.create(modelsBucket + "/");
    }

    /**
     * A remembered decision.
     *
     * @param event     the decision event, encoded by the event codec
     * @param published whether it reached Kafka
     */
    public record Stored(byte[] event, boolean published) {}

    /** The decision on a version, if one was made. */
    public Optional<Stored> find(String modelName, String version) throws IOException {
        try {
            JsonNode node = JSON.readTree(store.read(uri(modelName, version)));
            return Optional.of(new Stored(Base64.getDecoder().decode(node.get("event").asString()), node.get("published").asBoolean()));
        } catch (FileNotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw new IOException("the decision file of " + modelName + "/" + version + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** Writes (or replaces) the decision on a version. */
    public void save(String modelName, String version, byte[] event, boolean published) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("modelName", modelName);
        doc.put("version", version);
        doc.put("published", published);
        doc.put("event", Base64.getEncoder().encodeToString(event));
        store.put(uri(modelName, version), JSON.writeValueAsBytes(doc));
    }

    /** Where the decision on a version lives; throws for names that are not safe single segments. */
    public URI uri(String modelName, String version) {
        for (String segment : new String[] {modelName, version}) {
            if (segment == null || segment.isEmpty() || segment.contains("/")) {
                throw new IllegalArgumentException("'" + segment + "' is not a single path segment");
            }
        }
        return ObjectKeys.resolve(modelsBucket, "evaluations/" + modelName + "/" + version + "/decision.json");
    }
}
