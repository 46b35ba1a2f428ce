package io.sluice.inference.domain;

/**
 * The smallest and largest raw value of one channel or feature in a model's training data.
 *
 * @param min smallest value (finite)
 * @param max largest value (finite, at least {@code min})
 */
public record ValueRange(double min, double max) {

    public ValueRange {
        if (!Double.isFinite(min) || !Double.isFinite(max) || max < min) {
            throw new IllegalArgumentException("a range needs finite min <= max, got [" + min + ", " + max + "]");
        }
    }

    /**
     * How far beyond either end a value may lie, {@code tolerance} times the range's width (times the larger magnitude
     * of its ends, at least 1, for a constant feature).
     */
    public double margin(double tolerance) {
        double width = max - min;
        return tolerance * (width > 0 ? width : Math.max(1, Math.max(Math.abs(min), Math.abs(max))));
    }
}
