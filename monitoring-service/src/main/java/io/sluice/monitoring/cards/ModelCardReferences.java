package io.sluice.monitoring.cards;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.sluice.monitoring.domain.DriftReference;
import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.storage.ObjectStore;
import io.sluice.platform.security.LogSafe;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a version's drift reference from {@code <modelUri>model-card.json}, loosely (unknown fields
 * ignored, missing ones left empty), so that monitoring does not depend on the models module and its
 * DJL natives. Fields read, as the models module writes them: {@code dataset.name},
 * {@code trainingData.classCounts} (class to count), {@code trainingData.features[]}
 * ({@code name}, {@code mean}, {@code std}; names match PredictionServed.inputStats keys), and the
 * best epoch's {@code validationAccuracy} in {@code history} as the approval level. Results are
 * cached per URI; a card that is absent or unreadable yields empty.
 */
@Component
public class ModelCardReferences {

    /** File name of the card inside a version's prefix. */
    public static final String CARD_FILE = "model-card.json";

    private static final Logger log = LoggerFactory.getLogger(ModelCardReferences.class);

    private final ObjectStore store;
    private final JsonMapper json = JsonMapper.builder().build();
    private final Map<String, Optional<DriftReference>> cache = new ConcurrentHashMap<>();

    public ModelCardReferences(ObjectStore store) {
        this.store = store;
    }

    /** The reference in the card under {@code modelUri}, or empty without a readable card. */
    public Optional<DriftReference> reference(String modelUri) {
        if (modelUri == null || modelUri.isBlank()) {
            return Optional.empty();
        }
        return cache.computeIfAbsent(modelUri, this::load);
    }

    private Optional<DriftReference> load(String modelUri) {
        try {
            String prefix = modelUri.endsWith("/") ? modelUri : modelUri + "/";
            byte[] bytes = store.read(ObjectKeys.resolve(URI.create(prefix), CARD_FILE));
            return Optional.of(parse(json.readTree(bytes)));
        } catch (FileNotFoundException e) {
            log.info("no model card under {}; drift falls back to the version's first window", LogSafe.text(modelUri));
        } catch (IOException | RuntimeException e) {
            log.warn("unreadable model card under {}: {}", LogSafe.text(modelUri), LogSafe.text(e));
        }
        return Optional.empty();
    }

    static DriftReference parse(JsonNode card) {
        Map<String, DriftReference.Moments> inputs = new HashMap<>();
        for (JsonNode feature : card.path("trainingData").path("features")) {
            String name = feature.path("name").asString(null);
            if (name != null && feature.path("mean").isNumber()) {
                inputs.put(name, new DriftReference.Moments(feature.path("mean").asDouble(), feature.path("std").asDouble(0)));
            }
        }
        Map<String, Double> shares = new HashMap<>();
        JsonNode counts = card.path("trainingData").path("classCounts");
        double total = 0;
        for (var entry : counts.properties()) {
            total += entry.getValue().asDouble(0);
        }
        for (var entry : counts.properties()) {
            if (total > 0) {
                shares.put(entry.getKey(), entry.getValue().asDouble(0) / total);
            }
        }
        double approval = Double.NaN;
        int best = card.path("bestEpoch").asInt(0);
        for (JsonNode epoch : card.path("history")) {
            if (epoch.path("epoch").asInt(-1) == best && epoch.path("validationAccuracy").isNumber()) {
                approval = epoch.path("validationAccuracy").asDouble();
            }
        }
        String dataset = card.path("dataset").path("name").asString(null);
        return new DriftReference("model-card", inputs, shares, approval, dataset);
    }
}
