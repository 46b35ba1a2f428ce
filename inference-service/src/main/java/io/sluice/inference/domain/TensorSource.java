package io.sluice.inference.domain;

/**
 * A v2 inference request's body as a protocol carries it (JSON over HTTP, protobuf over gRPC), turned into its one input
 * tensor by {@link Predictions#infer}: the declared shape goes to a check before any value is converted, so an oversized
 * or misshaped tensor costs no decoding.
 */
@FunctionalInterface
public interface TensorSource {

    /** Judges a declared shape before the values are read. */
    @FunctionalInterface
    interface ShapeCheck {
        /**
         * @param id    the request's id when the body named one before its inputs, else null
         * @param shape positive whole dimensions
         * @throws InvalidInputException to refuse the request ({@link TooLargeException} when it holds too many inputs)
         */
        void check(String id, long[] shape);
    }

    /**
     * A decoded request.
     *
     * @param id     the id the body names, or null
     * @param tensor its one input
     */
    record Decoded(String id, Payload.Tensor tensor) {}

    /**
     * Decodes the request, calling {@code check} with the declared shape before converting any value.
     *
     * @throws InvalidInputException when it is not one valid tensor, or the check refused it
     */
    Decoded read(ShapeCheck check);
}
