package io.sluice.inference.domain;

/**
 * A classifier's answer for one input.
 *
 * @param label         most probable class name
 * @param classIndex    its index in the model's class names
 * @param probabilities softmax probability per class, in the model's class order
 */
public record Scores(String label, int classIndex, float[] probabilities) {

    public float confidence() {
        return probabilities[classIndex];
    }
}
