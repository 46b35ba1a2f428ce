package io.sluice.monitoring.domain;

/**
 * The kind of work a request was, for comparing like with like: its batch size in buckets
 * (1, 2–4, 5–16, 17–64, 65+) and the size of one input in factor-4 buckets (⌊log₄ elements⌋ + 1: a
 * 28×28 image is bucket 5, a 4096×4096 RGB image bucket 13; 0 when unknown). A burst of big
 * inputs lands in its own stratum on both sides instead of raising one side's quantiles.
 */
public final class Strata {

    /** The stratum of requests without batch or size information. */
    public static final String DEFAULT = "b1/s0";

    private Strata() {}

    /** The stratum of a request with {@code batchSize} inputs of {@code inputSize} elements each (0: unknown). */
    public static String of(int batchSize, long inputSize) {
        return "b" + batchBucket(batchSize) + "/s" + sizeBucket(inputSize);
    }

    static int batchBucket(int batchSize) {
        if (batchSize <= 1) {
            return 1;
        }
        if (batchSize <= 4) {
            return 4;
        }
        if (batchSize <= 16) {
            return 16;
        }
        return batchSize <= 64 ? 64 : 65;
    }

    static int sizeBucket(long inputSize) {
        if (inputSize <= 0) {
            return 0;
        }
        return (63 - Long.numberOfLeadingZeros(inputSize)) / 2 + 1; // ⌊log₄⌋ + 1
    }
}
