package io.sluice.inference.domain;

import java.util.List;

/**
 * Keeps inputs far outside what a version was trained on out of the model and the drift statistics:
 * a value more than {@code tolerance} range-widths beyond its channel's or feature's training range
 * is refused ({@link Mode#REFUSE}, 400) or served and flagged ({@link Mode#FLAG}: telemetry without
 * input statistics, so drift ignores it). Non-finite values never get here (the payload readers
 * refuse them whatever the mode).
 *
 * @param mode      refuse or flag
 * @param tolerance range-widths a value may lie beyond the training range (0 = none)
 */
public record InputGuard(Mode mode, double tolerance) {

    /** What happens to an input outside the trained range. */
    public enum Mode {
        /** 400, the input never reaches the model. */
        REFUSE,
        /** Served, its telemetry flagged {@value InputGuard#OUT_OF_RANGE} and without input statistics. */
        FLAG
    }

    /** The flag (and error type) of an input outside the trained range. */
    public static final String OUT_OF_RANGE = InvalidInputException.OUT_OF_RANGE;

    public InputGuard {
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("tolerance must be a finite number >= 0, got " + tolerance);
        }
    }

    /**
     * Checks the rows of one request against a version's training range.
     *
     * @return {@value #OUT_OF_RANGE} when a row is outside and the mode flags, else null
     * @throws InvalidInputException ({@value #OUT_OF_RANGE}) when a row is outside and the mode refuses
     */
    public String check(List<float[]> rows, ModelInfo info) {
        List<ValueRange> ranges = info.trainedRange();
        if (ranges.isEmpty()) {
            return null;
        }
        for (int r = 0; r < rows.size(); r++) {
            String outside = outside(rows.get(r), ranges, info);
            if (outside != null) {
                if (mode == Mode.FLAG) {
                    return OUT_OF_RANGE;
                }
                throw new InvalidInputException(OUT_OF_RANGE, (rows.size() > 1 ? "row " + r + ": " : "") + outside);
            }
        }
        return null;
    }

    /** Why one row is outside, or null. */
    private String outside(float[] row, List<ValueRange> ranges, ModelInfo info) {
        int dims = ranges.size();
        int per = row.length / dims;
        for (int d = 0; d < dims; d++) {
            ValueRange range = ranges.get(d);
            double margin = range.margin(tolerance);
            double low = range.min() - margin;
            double high = range.max() + margin;
            for (int i = d * per; i < (d + 1) * per; i++) {
                float v = row[i];
                if (v < low || v > high) {
                    String what = info.image() ? "channel " + d : "feature '" + info.featureNames().get(d) + "'";
                    return what + " value " + v + " is far outside the training range [" + range.min() + ", " + range.max()
                            + "] (accepted: [" + low + ", " + high + "])";
                }
            }
        }
        return null;
    }
}
