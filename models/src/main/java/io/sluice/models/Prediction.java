package io.sluice.models;

import java.util.List;

/**
 * A classifier's answer for one input.
 *
 * @param label         the most probable class name
 * @param classIndex    its index in {@code classNames}
 * @param probabilities softmax probability per class, in the card's class order (sums to 1)
 * @param classNames    the card's class names
 */
public record Prediction(String label, int classIndex, float[] probabilities, List<String> classNames) {

    /** Probability of the predicted class. */
    public float confidence() {
        return probabilities[classIndex];
    }
}
