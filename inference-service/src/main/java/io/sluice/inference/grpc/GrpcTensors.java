package io.sluice.inference.grpc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import com.google.protobuf.ByteString;

import io.sluice.inference.domain.Answer;
import io.sluice.inference.domain.InvalidInputException;
import io.sluice.inference.domain.Payload;
import io.sluice.inference.domain.Scores;
import io.sluice.inference.domain.TensorSource;
import io.sluice.inference.domain.TooLargeException;
import io.sluice.inference.grpc.v2.InferParameter;
import io.sluice.inference.grpc.v2.InferTensorContents;
import io.sluice.inference.grpc.v2.ModelInferRequest;
import io.sluice.inference.grpc.v2.ModelInferResponse;

/**
 * Turns a {@code ModelInferRequest} into the one input tensor — typed {@code contents} or {@code raw_input_contents}
 * (row-major, little-endian; FP16 only this way) — judging its declared shape before any value is converted, and an
 * {@link Answer} into a {@code ModelInferResponse}: raw outputs for a raw request, typed ones otherwise.
 */
final class GrpcTensors {

    static final String PROBABILITIES = "probabilities";
    static final String LABEL = "label";
    private static final Set<String> OUTPUTS = Set.of(PROBABILITIES, LABEL);
    private static final String ONE_TENSOR = "'inputs' must hold exactly one tensor {name, shape, datatype, contents}";

    private GrpcTensors() {}

    /** The request's tensor as {@link io.sluice.inference.domain.Predictions#infer} reads it. */
    static TensorSource source(ModelInferRequest request) {
        return check -> {
            if (request.getInputsCount() != 1) {
                throw new InvalidInputException(ONE_TENSOR);
            }
            ModelInferRequest.InferInputTensor input = request.getInputs(0);
            String datatype = input.getDatatype();
            int size = elementBytes(datatype);
            long[] shape = shape(input.getShapeList());
            String id = request.getId().isEmpty() ? null : request.getId();
            check.check(id, shape); // before any value is converted
            int count = (int) product(shape);
            boolean raw = request.getRawInputContentsCount() > 0;
            float[] values;
            if (raw) {
                if (request.getRawInputContentsCount() != 1 || input.hasContents()) {
                    throw new InvalidInputException("'raw_input_contents' must hold one entry per input, and then no input has 'contents'");
                }
                values = raw(request.getRawInputContents(0), datatype, size, count, shape);
            } else {
                values = typed(input.getContents(), datatype, count, shape);
            }
            return new TensorSource.Decoded(id, new Payload.Tensor(values, shape, datatype.startsWith("INT") || datatype.startsWith("UINT")));
        };
    }

    /**
     * Refuses requested outputs the model does not have, before anything runs.
     *
     * @throws InvalidInputException naming the outputs there are
     */
    static void checkOutputs(ModelInferRequest request) {
        for (ModelInferRequest.InferRequestedOutputTensor output : request.getOutputsList()) {
            if (!OUTPUTS.contains(output.getName())) {
                throw new InvalidInputException("no output named '" + output.getName() + "' (" + PROBABILITIES + ", " + LABEL + ")");
            }
        }
    }

    /** Bytes of one element; refuses the datatypes the models do not take. */
    private static int elementBytes(String datatype) {
        return switch (datatype) {
            case "INT8", "UINT8" -> 1;
            case "INT16", "UINT16", "FP16" -> 2;
            case "INT32", "UINT32", "FP32" -> 4;
            case "INT64", "UINT64", "FP64" -> 8;
            case "" -> throw new InvalidInputException("the input tensor needs a 'datatype' (FP32, FP64, FP16 or INT*/UINT*)");
            default -> throw new InvalidInputException("datatype " + datatype + " is not supported (FP32, FP64, FP16 or INT*/UINT*)");
        };
    }

    private static long[] shape(List<Long> dims) {
        if (dims.isEmpty()) {
            throw new InvalidInputException("the input tensor needs a non-empty 'shape'");
        }
        long product = 1;
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            long size = dims.get(i);
            if (size <= 0) {
                throw new InvalidInputException("shape must list positive integers, got " + dims);
            }
            if (size > Payload.Tensor.MAX_VALUES || (product *= size) > Payload.Tensor.MAX_VALUES) {
                throw new TooLargeException("the tensor is larger than " + Payload.Tensor.MAX_VALUES + " values");
            }
            shape[i] = size;
        }
        return shape;
    }

    private static float[] raw(ByteString bytes, String datatype, int size, int count, long[] shape) {
        if (bytes.size() != (long) count * size) {
            throw new InvalidInputException("shape " + Arrays.toString(shape) + " of " + datatype + " needs " + (long) count * size
                    + " bytes of 'raw_input_contents', got " + bytes.size());
        }
        ByteBuffer in = bytes.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = switch (datatype) {
                case "FP32" -> in.getFloat();
                case "FP64" -> (float) in.getDouble();
                case "FP16" -> half(in.getShort());
                case "INT8" -> in.get();
                case "UINT8" -> in.get() & 0xFF;
                case "INT16" -> in.getShort();
                case "UINT16" -> in.getShort() & 0xFFFF;
                case "INT32" -> in.getInt();
                case "UINT32" -> Integer.toUnsignedLong(in.getInt());
                case "INT64" -> in.getLong();
                case "UINT64" -> unsigned(in.getLong());
                default -> throw new IllegalStateException("datatype checked above: " + datatype);
            };
        }
        return values;
    }

    private static float[] typed(InferTensorContents contents, String datatype, int count, long[] shape) {
        int given = switch (datatype) {
            case "FP32" -> contents.getFp32ContentsCount();
            case "FP64" -> contents.getFp64ContentsCount();
            case "INT8", "INT16", "INT32" -> contents.getIntContentsCount();
            case "INT64" -> contents.getInt64ContentsCount();
            case "UINT8", "UINT16", "UINT32" -> contents.getUintContentsCount();
            case "UINT64" -> contents.getUint64ContentsCount();
            case "FP16" -> throw new InvalidInputException("datatype FP16 has no typed contents: send it as 'raw_input_contents'");
            default -> throw new IllegalStateException("datatype checked above: " + datatype);
        };
        if (given != count) {
            throw new InvalidInputException("shape " + Arrays.toString(shape) + " needs " + count + " values, the " + field(datatype)
                    + " of 'contents' has " + given);
        }
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = switch (datatype) {
                case "FP32" -> contents.getFp32Contents(i);
                case "FP64" -> (float) contents.getFp64Contents(i);
                case "INT8", "INT16", "INT32" -> contents.getIntContents(i);
                case "INT64" -> contents.getInt64Contents(i);
                case "UINT8", "UINT16", "UINT32" -> Integer.toUnsignedLong(contents.getUintContents(i));
                case "UINT64" -> unsigned(contents.getUint64Contents(i));
                default -> throw new IllegalStateException("datatype checked above: " + datatype);
            };
        }
        return values;
    }

    private static String field(String datatype) {
        return switch (datatype) {
            case "FP32" -> "fp32_contents";
            case "FP64" -> "fp64_contents";
            case "INT64" -> "int64_contents";
            case "UINT64" -> "uint64_contents";
            default -> datatype.startsWith("U") ? "uint_contents" : "int_contents";
        };
    }

    private static float unsigned(long value) {
        return value >= 0 ? value : (float) (value >>> 1) * 2f;
    }

    /** An IEEE 754 half-precision value (Java 17 has no {@code Float.float16ToFloat}). */
    static float half(short bits) {
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        if (exponent == 0x1F) { // infinity or NaN: refused later as non-finite input
            return Float.intBitsToFloat(sign | 0x7F800000 | mantissa << 13);
        }
        if (exponent == 0) { // zero or subnormal
            float value = mantissa * 0x1p-24f;
            return sign == 0 ? value : -value;
        }
        return Float.intBitsToFloat(sign | (exponent + 112) << 23 | mantissa << 13);
    }

    private static long product(long[] shape) {
        long product = 1;
        for (long size : shape) {
            product *= size;
        }
        return product;
    }

    /**
     * The answer as the protocol's response: probabilities FP32 [N, classes] and labels BYTES [N] (the requested ones, in
     * that order), raw when the request was raw; parameters {@code role}, {@code batch_size} and {@code class_names} (a
     * JSON array, the probabilities' order).
     */
    static ModelInferResponse response(ModelInferRequest request, Answer answer, String classNamesJson) {
        int rows = answer.scores().size();
        int classes = answer.classNames().size();
        boolean raw = request.getRawInputContentsCount() > 0;
        boolean all = request.getOutputsCount() == 0;
        boolean probabilities = all || request.getOutputsList().stream().anyMatch(o -> o.getName().equals(PROBABILITIES));
        boolean labels = all || request.getOutputsList().stream().anyMatch(o -> o.getName().equals(LABEL));
        ModelInferResponse.Builder response = ModelInferResponse.newBuilder()
                .setModelName(answer.model()).setModelVersion(answer.version()).setId(answer.requestId())
                .putParameters("role", InferParameter.newBuilder().setStringParam(answer.role().name()).build())
                .putParameters("batch_size", InferParameter.newBuilder().setInt64Param(answer.batchSize()).build())
                .putParameters("class_names", InferParameter.newBuilder().setStringParam(classNamesJson).build());
        if (probabilities) {
            ModelInferResponse.InferOutputTensor.Builder output = ModelInferResponse.InferOutputTensor.newBuilder()
                    .setName(PROBABILITIES).setDatatype("FP32").addShape(rows).addShape(classes);
            if (raw) {
                ByteBuffer bytes = ByteBuffer.allocate(rows * classes * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (Scores scores : answer.scores()) {
                    for (int c = 0; c < classes; c++) {
                        bytes.putFloat(scores.probabilities()[c]);
                    }
                }
                response.addRawOutputContents(ByteString.copyFrom(bytes.array()));
            } else {
                InferTensorContents.Builder contents = InferTensorContents.newBuilder();
                for (Scores scores : answer.scores()) {
                    for (int c = 0; c < classes; c++) {
                        contents.addFp32Contents(scores.probabilities()[c]);
                    }
                }
                output.setContents(contents);
            }
            response.addOutputs(output);
        }
        if (labels) {
            ModelInferResponse.InferOutputTensor.Builder output = ModelInferResponse.InferOutputTensor.newBuilder()
                    .setName(LABEL).setDatatype("BYTES").addShape(rows);
            if (raw) {
                ByteString.Output bytes = ByteString.newOutput();
                for (Scores scores : answer.scores()) {
                    byte[] label = scores.label().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    bytes.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(label.length).array(), 0, 4);
                    bytes.write(label, 0, label.length);
                }
                response.addRawOutputContents(bytes.toByteString());
            } else {
                InferTensorContents.Builder contents = InferTensorContents.newBuilder();
                for (Scores scores : answer.scores()) {
                    contents.addBytesContents(ByteString.copyFromUtf8(scores.label()));
                }
                output.setContents(contents);
            }
            response.addOutputs(output);
        }
        return response.build();
    }
}
