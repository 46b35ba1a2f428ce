package io.sluice.models;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Valid model cards for tests; each test changes only what it is about. */
final class TestCards {

    private TestCards() {}

    static ModelCard image(String version) {
        ModelCard.InputSpec input = new ModelCard.InputSpec(ModelCard.InputSpec.IMAGE_FOLDER, List.of(1, 8, 8),
                ModelCard.InputSpec.GRAYSCALE, List.of());
        return new ModelCard(ModelCard.FORMAT_VERSION, "digits", version, new ModelCard.Architecture("cnn", List.of(4, 8), List.of(16), 0.0),
                List.of("cross", "dot", "line"), input, new ModelCard.Normalisation(List.of(0.5), List.of(0.25)),
                Map.of("optimizer", "adam", "learningRate", "0.01"),
                List.of(new ModelCard.EpochMetrics(1, 1.0, 0.5, 1.1, 0.45), new ModelCard.EpochMetrics(2, 0.5, 0.8, 0.6, 0.75)), 2,
                new ModelCard.DatasetRef("digits", "a".repeat(64), "file:/tmp/manifest.json"), null, "run-1",
                Instant.parse("2026-11-22T20:00:00Z"),
                Map.of(ModelPackage.PARAMETERS_FILE, new ModelCard.FileDigest("b".repeat(64), 10)),
                new ModelCard.DataSummary(80, Map.of("cross", 30L, "dot", 25L, "line", 25L),
                        List.of(new ModelCard.FeatureSummary("channel-0-mean-intensity", 0.4, 0.1, 0.1, 0.9,
                                List.of(0.0, 0.5, 1.0), List.of(40L, 40L)))));
    }

    static ModelCard csv(String version) {
        ModelCard.InputSpec input = new ModelCard.InputSpec(ModelCard.InputSpec.CSV, List.of(2), null, List.of("x", "y"));
        return new ModelCard(ModelCard.FORMAT_VERSION, "points", version, ModelCard.Architecture.defaultFor(ModelCard.InputSpec.CSV),
                List.of("left", "right"), input, new ModelCard.Normalisation(List.of(1.0, -2.0), List.of(2.0, 4.0)), Map.of(),
                List.of(), 0, new ModelCard.DatasetRef("points", "c".repeat(64), "file:/tmp/m.json"), "v0", "run-2",
                Instant.parse("2026-11-22T20:00:00Z"),
                Map.of(ModelPackage.PARAMETERS_FILE, new ModelCard.FileDigest("d".repeat(64), 10)),
                new ModelCard.DataSummary(0, Map.of(), List.of()));
    }
}
