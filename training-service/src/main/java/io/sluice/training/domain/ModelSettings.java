package io.sluice.training.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one model is trained (the equivalent of a {@code params.yaml}); defaults are filled in by the
 * configuration.
 *
 * @param architecture   {@code cnn} or {@code mlp}; null picks by layout (cnn for images, mlp for CSV)
 * @param filters        cnn convolution channels per block
 * @param hidden         hidden layer sizes
 * @param dropout        dropout after hidden layers (0..1)
 * @param optimizer      {@code adam} or {@code sgd} (momentum 0.9)
 * @param learningRate   learning rate
 * @param batchSize      samples per batch
 * @param maxEpochs      most epochs to run
 * @param patience       epochs without validation improvement before stopping early
 * @param seed           random seed (initialisation, shuffling, augmentation)
 * @param imageSize      images: [height, width] to resize to; empty keeps the dataset's shape
 * @param colorMode      images: GRAYSCALE or RGB; null keeps the dataset's channels
 * @param horizontalFlip images: flip half of the training images left-right each epoch (augmentation)
 * @param warmStart      start from the production model's parameters when the architecture matches
 */
public record ModelSettings(String architecture, List<Integer> filters, List<Integer> hidden, double dropout, String optimizer,
                            double learningRate, int batchSize, int maxEpochs, int patience, long seed, List<Integer> imageSize,
                            String colorMode, boolean horizontalFlip, boolean warmStart) {

    /** The settings as the string map events and model cards carry. */
    public Map<String, String> asMap() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("optimizer", optimizer);
        map.put("learningRate", Double.toString(learningRate));
        map.put("batchSize", Integer.toString(batchSize));
        map.put("maxEpochs", Integer.toString(maxEpochs));
        map.put("patience", Integer.toString(patience));
        map.put("seed", Long.toString(seed));
        map.put("horizontalFlip", Boolean.toString(horizontalFlip));
        map.put("warmStart", Boolean.toString(warmStart));
        return map;
    }

    /**
     * Every setting as the trainer command's {@code --name=value} arguments (what cloud jobs are given): {@link #asMap()}
     * plus the architecture, its sizes, dropout and the image preprocessing; unset values are left out (the command's
     * defaults then mean the same).
     */
    public Map<String, String> trainerArguments() {
        Map<String, String> arguments = new LinkedHashMap<>(asMap());
        if (architecture != null && !architecture.isBlank()) {
            arguments.put("architecture", architecture);
        }
        if (filters != null && !filters.isEmpty()) {
            arguments.put("filters", join(filters));
        }
        if (hidden != null && !hidden.isEmpty()) {
            arguments.put("hidden", join(hidden));
        }
        arguments.put("dropout", Double.toString(dropout));
        if (imageSize != null && !imageSize.isEmpty()) {
            arguments.put("imageSize", join(imageSize));
        }
        if (colorMode != null && !colorMode.isBlank()) {
            arguments.put("colorMode", colorMode);
        }
        return arguments;
    }

    /**
     * These settings with a search's winning parameters applied ({@code learningRate}, {@code batchSize}, {@code hidden} as
     * comma-separated sizes, {@code dropout}, {@code optimizer}); other keys are ignored, so a winner of an older search
     * never breaks a run.
     */
    public ModelSettings withTuned(Map<String, String> tuned) {
        if (tuned == null || tuned.isEmpty()) {
            return this;
        }
        String h = tuned.get("hidden");
        List<Integer> tunedHidden = h == null || h.isBlank() ? hidden
                : java.util.Arrays.stream(h.split(",")).map(String::trim).map(Integer::valueOf).toList();
        return new ModelSettings(architecture, filters, tunedHidden, doubleOr(tuned.get("dropout"), dropout),
                tuned.getOrDefault("optimizer", optimizer), doubleOr(tuned.get("learningRate"), learningRate),
                tuned.containsKey("batchSize") ? Integer.parseInt(tuned.get("batchSize")) : batchSize, maxEpochs, patience, seed,
                imageSize, colorMode, horizontalFlip, warmStart);
    }

    private static double doubleOr(String value, double fallback) {
        return value == null ? fallback : Double.parseDouble(value);
    }

    private static String join(List<Integer> values) {
        return String.join(",", values.stream().map(String::valueOf).toList());
    }
}
