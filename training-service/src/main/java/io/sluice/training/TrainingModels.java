package io.sluice.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.sluice.training.domain.ModelSettings;

/** Resolves per-model training settings (overrides on defaults) and which models train on a dataset. */
public final class TrainingModels {

    private TrainingModels() {}

    /** A model's settings: its overrides on top of the defaults. */
    public static ModelSettings settingsFor(TrainingProperties properties, String model) {
        TrainingProperties.Defaults d = properties.defaults();
        TrainingProperties.ModelOverrides o = properties.models().get(model);
        if (o == null) {
            o = new TrainingProperties.ModelOverrides(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        }
        return new ModelSettings(blankToNull(pick(o.architecture(), d.architecture())), pick(o.filters(), d.filters()),
                pick(o.hidden(), d.hidden()), pick(o.dropout(), d.dropout()), pick(o.optimizer(), d.optimizer()),
                pick(o.learningRate(), d.learningRate()), pick(o.batchSize(), d.batchSize()), pick(o.maxEpochs(), d.maxEpochs()),
                pick(o.patience(), d.patience()), pick(o.seed(), d.seed()), pick(o.imageSize(), d.imageSize()),
                blankToNull(pick(o.colorMode(), d.colorMode())), pick(o.horizontalFlip(), d.horizontalFlip()),
                pick(o.warmStart(), d.warmStart()));
    }

    /** The models trained on a dataset: those configured with {@code dataset: <name>}, else the model named like the dataset. */
    public static List<String> modelsFor(TrainingProperties properties, String dataset) {
        List<String> models = new ArrayList<>();
        for (Map.Entry<String, TrainingProperties.ModelOverrides> model : properties.models().entrySet()) {
            if (dataset.equals(model.getValue().dataset())) {
                models.add(model.getKey());
            }
        }
        return models.isEmpty() ? List.of(dataset) : models;
    }

    private static <T> T pick(T override, T fallback) {
        return override != null ? override : fallback;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
