package io.sluice.inference.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.sluice.inference.domain.Answer;
import io.sluice.inference.domain.InvalidInputException;
import io.sluice.inference.domain.Payload;
import io.sluice.inference.domain.Scores;

/** Maps KServe v2 JSON tensors to a {@link Payload.Tensor} and an {@link Answer} back to v2 outputs. */
final class V2Tensors {

    static final Set<String> FLOATS = Set.of("FP16", "FP32", "FP64");
    static final Set<String> INTEGERS = Set.of("INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64");
    private static final int MAX_VALUES = 16 * 1024 * 1024;

    private V2Tensors() {}

    /** The one input tensor of a v2 inference request body. */
    static Payload.Tensor input(Map<String, Object> body) {
        if (body == null) {
            throw new InvalidInputException("the request body must be a JSON object with 'inputs'");
        }
        if (!(body.get("inputs") instanceof List<?> inputs) || inputs.size() != 1 || !(inputs.get(0) instanceof Map<?, ?> input)) {
            throw new InvalidInputException("'inputs' must be a list with exactly one tensor {name, shape, datatype, data}");
        }
        if (!(input.get("datatype") instanceof String datatype)) {
            throw new InvalidInputException("the input tensor needs a 'datatype' (FP32, FP64, FP16 or INT*/UINT*)");
        }
        boolean integer = INTEGERS.contains(datatype);
        if (!integer && !FLOATS.contains(datatype)) {
            throw new InvalidInputException("datatype " + datatype + " is not supported (FP32, FP64, FP16 or INT*/UINT*)");
        }
        if (!(input.get("shape") instanceof List<?> shapeList) || shapeList.isEmpty()) {
            throw new InvalidInputException("the input tensor needs a non-empty 'shape'");
        }
        long[] shape = new long[shapeList.size()];
        long expected = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(shapeList.get(i) instanceof Number n) || n.longValue() <= 0 || n.doubleValue() != n.longValue()) {
                throw new InvalidInputException("shape must list positive integers, got " + shapeList);
            }
            shape[i] = n.longValue();
            expected *= shape[i];
            if (expected > MAX_VALUES) {
                throw new InvalidInputException("the tensor is larger than " + MAX_VALUES + " values");
            }
        }
        if (!(input.get("data") instanceof List<?> data)) {
            throw new InvalidInputException("the input tensor needs 'data' (a flat or nested list of numbers)");
        }
        float[] values = new float[(int) expected];
        int[] at = {0};
        flatten(data, values, at, integer, datatype);
        if (at[0] != expected) {
            throw new InvalidInputException("shape " + shapeList + " needs " + expected + " values, 'data' has " + at[0]);
        }
        return new Payload.Tensor(values, shape, integer);
    }

    private static void flatten(List<?> data, float[] values, int[] at, boolean integer, String datatype) {
        for (Object item : data) {
            if (item instanceof List<?> nested) {
                flatten(nested, values, at, integer, datatype);
            } else if (item instanceof Number number) {
                if (integer && number.doubleValue() != Math.rint(number.doubleValue())) {
                    throw new InvalidInputException("datatype " + datatype + " needs whole numbers, got " + number);
                }
                if (at[0] >= values.length) {
                    at[0]++;
                    continue; // counted, reported as a size mismatch
                }
                values[at[0]++] = number.floatValue();
            } else {
                throw new InvalidInputException("'data' must hold only numbers, got " + (item == null ? "null" : "'" + item + "'"));
            }
        }
    }

    /** A v2 inference response: probabilities [N, classes] (FP32) and labels [N] (BYTES). */
    static Map<String, Object> response(Answer answer) {
        List<Float> probabilities = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (Scores scores : answer.scores()) {
            for (float p : scores.probabilities()) {
                probabilities.add(p);
            }
            labels.add(scores.label());
        }
        int rows = answer.scores().size();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model_name", answer.model());
        body.put("model_version", answer.version());
        body.put("id", answer.requestId());
        body.put("parameters", Map.of("role", answer.role().name(), "batch_size", answer.batchSize(),
                "class_names", answer.classNames()));
        body.put("outputs", List.of(
                Map.of("name", "probabilities", "datatype", "FP32", "shape", List.of(rows, answer.classNames().size()),
                        "data", probabilities),
                Map.of("name", "label", "datatype", "BYTES", "shape", List.of(rows), "data", labels)));
        return body;
    }
}
