package io.sluice.inference.domain;

import java.nio.file.Path;
import java.util.List;

/**
 * What a loaded version is: its classes, its input and where its artifacts are cached.
 *
 * @param classNames   class names in output order
 * @param inputShape   shape of one input without the batch dimension ([C, H, W] or [features])
 * @param image        true for image models, false for CSV models
 * @param featureNames CSV feature names in input order (empty for images)
 * @param cacheDir     local folder holding the verified artifacts
 * @param sizeBytes    bytes of the artifacts in the cache
 * @param device       where the network runs, e.g. {@code cpu()} or {@code gpu(0)}
 * @param lineage      the dataset version it was trained on ({@code name@version}): the pipeline run its telemetry belongs to
 * @param trainedRange per channel (images) or feature (CSV), in input order: the raw values the model was trained on
 *                     (before normalisation); empty when the card records none
 */
public record ModelInfo(List<String> classNames, List<Integer> inputShape, boolean image, List<String> featureNames,
                        Path cacheDir, long sizeBytes, String device, String lineage, List<ValueRange> trainedRange) {

    public ModelInfo {
        trainedRange = trainedRange == null ? List.of() : List.copyOf(trainedRange);
    }

    /**
     * Inputs a tensor of this shape holds: {@code [N, <input shape>]} holds N, exactly the input shape one.
     *
     * @throws InvalidInputException when the shape fits neither
     */
    public long rows(long[] shape) {
        long[] one = inputShape.stream().mapToLong(Integer::longValue).toArray();
        if (java.util.Arrays.equals(shape, one)) {
            return 1;
        }
        if (shape.length == one.length + 1 && shape[0] > 0 && java.util.Arrays.equals(java.util.Arrays.copyOfRange(shape, 1, shape.length), one)) {
            return shape[0];
        }
        throw new InvalidInputException("tensor shape " + java.util.Arrays.toString(shape) + " does not fit the model's input [-1, "
                + inputShape.stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("") + "]");
    }

    /** Floats in one input. */
    public int inputSize() {
        return inputShape.stream().reduce(1, (a, b) -> a * b);
    }
}
