package io.sluice.inference.djl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.sluice.inference.domain.InvalidInputException;
import io.sluice.inference.domain.ModelInfo;
import io.sluice.inference.domain.Payload;

/** Splits a KServe v2 tensor into the rows a model takes, checking its shape and values against the model's input. */
final class Tensors {

    private Tensors() {}

    /**
     * Rows of a tensor shaped {@code [N, <input shape>]} (or exactly the input shape, one row); INT
     * pixels of image models are scaled from 0..255 to [0,1].
     */
    static List<float[]> rows(Payload.Tensor tensor, ModelInfo info) {
        long[] shape = tensor.shape();
        long rows = info.rows(shape);
        int size = info.inputSize();
        if (tensor.data().length != rows * size) {
            throw new InvalidInputException("tensor shape " + Arrays.toString(shape) + " needs " + rows * size + " values, got "
                    + tensor.data().length);
        }
        float scale = tensor.integer() && info.image() ? 1f / 255f : 1f;
        List<float[]> result = new ArrayList<>((int) rows);
        for (int r = 0; r < rows; r++) {
            float[] row = Arrays.copyOfRange(tensor.data(), r * size, (r + 1) * size);
            for (int i = 0; i < row.length; i++) {
                if (!Float.isFinite(row[i])) {
                    throw new InvalidInputException(InvalidInputException.NON_FINITE, "tensor value " + (r * size + i) + " is not a finite number");
                }
                row[i] *= scale;
            }
            result.add(row);
        }
        return result;
    }
}
