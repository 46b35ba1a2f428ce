package io.sluice.inference.domain;

import java.util.List;

/** What a caller sent, before a version turns it into network inputs: an encoded image, a CSV row or a tensor. */
public sealed interface Payload {

    /** An encoded image (PNG, JPEG, BMP, GIF). */
    record Image(byte[] encoded) implements Payload {}

    /**
     * One CSV row.
     *
     * @param values the row's values
     * @param header column names, or null when the values are in the model's feature order
     */
    record CsvRow(List<String> values, List<String> header) implements Payload {}

    /**
     * A KServe v2 tensor in row-major order whose first dimension is the batch: the model's input
     * before normalisation (image pixels in [0,1] CHW, or CSV feature values).
     *
     * @param data    the values
     * @param shape   the dimensions, the first one the number of rows
     * @param integer true for INT/UINT datatypes (image pixels then count as 0..255)
     */
    record Tensor(float[] data, long[] shape, boolean integer) implements Payload {

        /** The most values one tensor may hold, whatever the protocol (larger: {@link TooLargeException}). */
        public static final int MAX_VALUES = 16 * 1024 * 1024;
    }
}
