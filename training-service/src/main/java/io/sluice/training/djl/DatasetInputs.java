package io.sluice.training.djl;

import java.util.List;

import io.sluice.models.ModelCard;
import io.sluice.platform.datasets.DatasetManifest;
import io.sluice.training.domain.ModelSettings;
import io.sluice.training.domain.TrainingFailure;

/** Derives a model's input spec and architecture from a dataset manifest and the model's settings. */
final class DatasetInputs {

    private DatasetInputs() {}

    static ModelCard.InputSpec inputSpec(DatasetManifest manifest, ModelSettings settings) throws TrainingFailure {
        List<Integer> shape = manifest.inputShape();
        if (DatasetManifest.IMAGE_FOLDER.equals(manifest.layout())) {
            int channels = shape != null && shape.size() == 3 ? shape.get(0) : 3;
            String colorMode = settings.colorMode() != null ? settings.colorMode().toUpperCase(java.util.Locale.ROOT)
                    : channels == 1 ? ModelCard.InputSpec.GRAYSCALE : ModelCard.InputSpec.RGB;
            if (!colorMode.equals(ModelCard.InputSpec.GRAYSCALE) && !colorMode.equals(ModelCard.InputSpec.RGB)) {
                throw new TrainingFailure("color-mode must be GRAYSCALE or RGB, not " + settings.colorMode(), false, null);
            }
            List<Integer> size = settings.imageSize() != null && settings.imageSize().size() == 2 ? settings.imageSize()
                    : shape != null && shape.size() == 3 ? shape.subList(1, 3) : null;
            if (size == null) {
                throw new TrainingFailure("the manifest of " + manifest.name() + " has no [channels, height, width] input shape; set "
                        + "sluice.training.models.<model>.image-size", false, null);
            }
            return new ModelCard.InputSpec(ModelCard.InputSpec.IMAGE_FOLDER,
                    List.of(colorMode.equals(ModelCard.InputSpec.RGB) ? 3 : 1, size.get(0), size.get(1)), colorMode, List.of());
        }
        if (DatasetManifest.CSV.equals(manifest.layout())) {
            if (manifest.featureNames() == null || manifest.featureNames().isEmpty()) {
                throw new TrainingFailure("the CSV dataset " + manifest.name() + " lists no feature columns", false, null);
            }
            return new ModelCard.InputSpec(ModelCard.InputSpec.CSV, List.of(manifest.featureNames().size()), null,
                    List.copyOf(manifest.featureNames()));
        }
        throw new TrainingFailure("dataset layout " + manifest.layout() + " cannot be trained (IMAGE_FOLDER or CSV)", false, null);
    }

    static ModelCard.Architecture architecture(DatasetManifest manifest, ModelSettings settings, String modelName) throws TrainingFailure {
        ModelCard.Architecture defaults = ModelCard.Architecture.defaultFor(manifest.layout());
        String name = settings.architecture() == null || settings.architecture().isBlank() ? defaults.name() : settings.architecture();
        if (ModelCard.Architecture.CNN.equals(name) && !DatasetManifest.IMAGE_FOLDER.equals(manifest.layout())) {
            throw new TrainingFailure("model " + modelName + " is configured as a cnn but dataset " + manifest.name() + " is "
                    + manifest.layout() + "; set sluice.training.models." + modelName + ".architecture=mlp", false, null);
        }
        if (!ModelCard.Architecture.CNN.equals(name) && !ModelCard.Architecture.MLP.equals(name)) {
            throw new TrainingFailure("architecture " + name + " of model " + modelName + " is unknown (cnn or mlp)", false, null);
        }
        List<Integer> filters = ModelCard.Architecture.CNN.equals(name)
                ? (settings.filters() == null || settings.filters().isEmpty() ? List.of(16, 32) : settings.filters()) : List.of();
        List<Integer> hidden = settings.hidden() == null || settings.hidden().isEmpty()
                ? (ModelCard.Architecture.CNN.equals(name) ? List.of(64) : List.of(64, 32)) : settings.hidden();
        return new ModelCard.Architecture(name, filters, hidden, settings.dropout());
    }

    /** A left-right mirrored copy of a CHW image. */
    static float[] flipHorizontally(float[] chw, ModelCard.InputSpec input) {
        int channels = input.shape().get(0);
        int height = input.shape().get(1);
        int width = input.shape().get(2);
        float[] flipped = new float[chw.length];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                int row = (c * height + y) * width;
                for (int x = 0; x < width; x++) {
                    flipped[row + x] = chw[row + width - 1 - x];
                }
            }
        }
        return flipped;
    }
}
