package io.sluice.monitoring.cards;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.monitoring.domain.DriftReference;
import io.sluice.platform.storage.FileObjectStore;

class ModelCardReferencesTests {

    private static final String CARD = """
            {"formatVersion": 1, "modelName": "digits", "version": "v1", "bestEpoch": 2,
             "history": [{"epoch": 1, "validationAccuracy": 0.81}, {"epoch": 2, "validationAccuracy": 0.93}],
             "dataset": {"name": "digits", "version": "abc", "manifestUri": "file:/x"},
             "trainingData": {"samples": 100, "classCounts": {"a": 75, "b": 25},
               "features": [{"name": "channel-0-mean-intensity", "mean": 0.4, "std": 0.1, "min": 0, "max": 1,
                             "binEdges": [0, 1], "binCounts": [100]}]},
             "somethingNew": {"ignored": true}}
            """;

    @TempDir
    Path dir;

    @Test
    void readsTheTrainingSummaryOutOfAModelCard() throws Exception {
        Path version = Files.createDirectories(dir.resolve("models/digits/v1"));
        Files.writeString(version.resolve("model-card.json"), CARD, StandardCharsets.UTF_8);
        ModelCardReferences cards = new ModelCardReferences(new FileObjectStore(dir));

        DriftReference reference = cards.reference(version.toUri().toString()).orElseThrow();

        assertThat(reference.source()).isEqualTo("model-card");
        assertThat(reference.inputs()).containsEntry("channel-0-mean-intensity", new DriftReference.Moments(0.4, 0.1));
        assertThat(reference.classShares()).containsEntry("a", 0.75).containsEntry("b", 0.25);
        assertThat(reference.minAccuracy()).isEqualTo(0.93);
        assertThat(reference.datasetName()).isEqualTo("digits");
    }

    @Test
    void yieldsNothingWithoutACard() {
        ModelCardReferences cards = new ModelCardReferences(new FileObjectStore(dir));
        assertThat(cards.reference(dir.resolve("missing").toUri() + "/")).isEmpty();
        assertThat(cards.reference(null)).isEmpty();
    }
}
