package io.sluice.inference.web;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

import io.sluice.inference.domain.Answer;
import io.sluice.inference.domain.InvalidInputException;
import io.sluice.inference.domain.Payload;
import io.sluice.inference.domain.Scores;
import io.sluice.inference.domain.TooLargeException;

/**
 * Reads a KServe v2 inference request with a streaming parser, its {@code data} straight into a
 * {@code float[]} (no tree, no boxed numbers), and writes an {@link Answer} as v2 outputs with a
 * streaming generator.
 */
final class V2Tensors {

    static final Set<String> FLOATS = Set.of("FP16", "FP32", "FP64");
    static final Set<String> INTEGERS = Set.of("INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64");
    static final int MAX_VALUES = Payload.Tensor.MAX_VALUES;
    /** Values allocated before any are read: a declared shape alone never allocates more (the body must carry them). */
    static final int FIRST_CAPACITY = 64 * 1024;
    private static final String ONE_TENSOR = "'inputs' must be a list with exactly one tensor {name, shape, datatype, data}";

    /** A parsed request: the caller's id (or null) and its one input tensor. */
    record Request(String id, Payload.Tensor tensor) {}

    /**
     * Judges a tensor by its declared shape as soon as the shape is read — before {@code data} when the shape comes first,
     * as KServe clients send it — so an oversized or misshaped request is refused without parsing its values.
     */
    @FunctionalInterface
    interface ShapeCheck {
        ShapeCheck NONE = (id, shape) -> { };

        /**
         * @param id    the request's {@code id} when the body named it before its inputs, else null
         * @param shape the declared shape: positive whole dimensions holding at most {@value #MAX_VALUES} values
         * @throws InvalidInputException to refuse the request (a {@code TooLargeException} for 413)
         */
        void check(String id, long[] shape);
    }

    private V2Tensors() {}

    /**
     * Reads a v2 inference request body; closes the parser.
     *
     * @throws InvalidInputException when the body is not JSON, or not a request with one valid tensor
     */
    static Request read(JsonParser parser) {
        return read(parser, ShapeCheck.NONE);
    }

    /**
     * Reads a v2 inference request body, handing the declared shape to {@code check} before the values are read; closes
     * the parser.
     *
     * @throws InvalidInputException when the body is not JSON, not a request with one valid tensor, or refused by the check
     */
    static Request read(JsonParser parser, ShapeCheck check) {
        try (parser) {
            JsonToken token = parser.nextToken();
            if (token != JsonToken.START_OBJECT) {
                throw new InvalidInputException("the request body must be a JSON object with 'inputs'");
            }
            String id = null;
            Payload.Tensor tensor = null;
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                token = parser.nextToken();
                switch (name) {
                    case "id" -> id = token == JsonToken.VALUE_STRING ? parser.getString() : skip(parser, null);
                    case "inputs" -> tensor = inputs(parser, token, id, check);
                    default -> parser.skipChildren();
                }
            }
            if (tensor == null) {
                throw new InvalidInputException(ONE_TENSOR);
            }
            return new Request(id, tensor);
        } catch (JacksonException e) {
            throw new InvalidInputException("malformed request: " + firstLine(e.getOriginalMessage()));
        }
    }

    private static Payload.Tensor inputs(JsonParser parser, JsonToken token, String id, ShapeCheck check) {
        if (token != JsonToken.START_ARRAY || parser.nextToken() != JsonToken.START_OBJECT) {
            throw new InvalidInputException(ONE_TENSOR);
        }
        Payload.Tensor tensor = tensor(parser, id, check);
        if (parser.nextToken() != JsonToken.END_ARRAY) {
            throw new InvalidInputException(ONE_TENSOR);
        }
        return tensor;
    }

    /** One tensor object, the parser on its START_OBJECT; its properties may come in any order. */
    private static Payload.Tensor tensor(JsonParser parser, String id, ShapeCheck check) {
        String datatype = null;
        long[] shape = null;
        String shapeText = null;
        Values data = null;
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            JsonToken token = parser.nextToken();
            switch (name) {
                case "datatype" -> {
                    datatype = token == JsonToken.VALUE_STRING ? parser.getString() : skip(parser, null);
                    if (datatype != null && !INTEGERS.contains(datatype) && !FLOATS.contains(datatype)) {
                        throw unsupported(datatype);
                    }
                }
                case "shape" -> {
                    if (token != JsonToken.START_ARRAY) {
                        parser.skipChildren();
                        break;
                    }
                    List<String> dims = new ArrayList<>();
                    shape = shape(parser, dims);
                    shapeText = dims.toString();
                    check.check(id, shape); // before 'data' is read: a refused shape costs no parsing of its values
                }
                case "data" -> {
                    if (token != JsonToken.START_ARRAY) {
                        parser.skipChildren();
                        break;
                    }
                    data = new Values(shape == null ? 1024 : (int) Math.min(product(shape), FIRST_CAPACITY)); // grows with what is read
                    data.readArray(parser);
                }
                default -> parser.skipChildren();
            }
        }
        if (datatype == null) {
            throw new InvalidInputException("the input tensor needs a 'datatype' (FP32, FP64, FP16 or INT*/UINT*)");
        }
        boolean integer = INTEGERS.contains(datatype);
        if (shape == null || shape.length == 0) {
            throw new InvalidInputException("the input tensor needs a non-empty 'shape'");
        }
        if (data == null) {
            throw new InvalidInputException("the input tensor needs 'data' (a flat or nested list of numbers)");
        }
        if (integer && data.firstFraction != null) {
            throw new InvalidInputException("datatype " + datatype + " needs whole numbers, got " + data.firstFraction);
        }
        long expected = product(shape);
        if (data.count != expected) {
            throw new InvalidInputException("shape " + shapeText + " needs " + expected + " values, 'data' has " + data.count);
        }
        return new Payload.Tensor(data.values.length == data.count ? data.values : Arrays.copyOf(data.values, data.count), shape,
                integer);
    }

    /** Positive whole dimensions, the parser on the shape's START_ARRAY; each item's text goes to {@code dims}. */
    private static long[] shape(JsonParser parser, List<String> dims) {
        List<Long> sizes = new ArrayList<>();
        boolean valid = true;
        long product = 1;
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (token == JsonToken.START_ARRAY || token == JsonToken.START_OBJECT) {
                parser.skipChildren();
                dims.add("…");
                valid = false;
                continue;
            }
            dims.add(parser.getString());
            if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
                double size = parser.getDoubleValue();
                if (size > 0 && size == Math.rint(size) && size <= MAX_VALUES) {
                    sizes.add((long) size);
                    product *= (long) size;
                    if (product > MAX_VALUES) {
                        throw tooLarge();
                    }
                    continue;
                }
                if (size == Math.rint(size) && size > MAX_VALUES) {
                    throw tooLarge();
                }
            }
            valid = false;
        }
        if (!valid) {
            throw new InvalidInputException("shape must list positive integers, got " + dims);
        }
        return sizes.stream().mapToLong(Long::longValue).toArray();
    }

    private static TooLargeException tooLarge() {
        return new TooLargeException("the tensor is larger than " + MAX_VALUES + " values");
    }

    private static long product(long[] shape) {
        long product = 1;
        for (long size : shape) {
            product *= size;
        }
        return product;
    }

    /** The values of a flat or nested {@code data} array, in row-major order. */
    private static final class Values {
        float[] values;
        int count;
        String firstFraction;

        Values(int capacity) {
            values = new float[Math.max(1, capacity)];
        }

        /** Reads the array whose START_ARRAY the parser is on, nested arrays included. */
        void readArray(JsonParser parser) {
            int depth = 1;
            while (depth > 0) {
                JsonToken token = parser.nextToken();
                if (token == JsonToken.VALUE_NUMBER_FLOAT) {
                    double value = parser.getDoubleValue();
                    if (firstFraction == null && value != Math.rint(value)) {
                        firstFraction = parser.getString();
                    }
                    add((float) value);
                } else if (token == JsonToken.VALUE_NUMBER_INT) {
                    add(parser.getNumberType() == JsonParser.NumberType.INT ? (float) parser.getIntValue() : (float) parser.getDoubleValue());
                } else if (token == JsonToken.START_ARRAY) {
                    depth++;
                } else if (token == JsonToken.END_ARRAY) {
                    depth--;
                } else {
                    throw new InvalidInputException("'data' must hold only numbers, got " + (token == JsonToken.VALUE_NULL ? "null"
                            : token == JsonToken.START_OBJECT ? "an object" : "'" + parser.getString() + "'"));
                }
            }
        }

        private void add(float value) {
            if (count == values.length) {
                if (count >= MAX_VALUES) {
                    throw tooLarge();
                }
                values = Arrays.copyOf(values, (int) Math.min(MAX_VALUES, 2L * values.length));
            }
            values[count++] = value;
        }
    }

    private static <T> T skip(JsonParser parser, T value) {
        parser.skipChildren();
        return value;
    }

    private static InvalidInputException unsupported(String datatype) {
        return new InvalidInputException("datatype " + datatype + " is not supported (FP32, FP64, FP16 or INT*/UINT*)");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "not JSON";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /**
     * A v2 inference response, written straight to JSON bytes: probabilities [N, classes] (FP32) and
     * labels [N] (BYTES), with the answering version, the request id and the batch size.
     */
    static byte[] response(JsonMapper json, Answer answer) {
        int rows = answer.scores().size();
        int classes = answer.classNames().size();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + rows * classes * 12);
        try (JsonGenerator out = json.createGenerator(bytes)) {
            out.writeStartObject();
            out.writeStringProperty("model_name", answer.model());
            out.writeStringProperty("model_version", answer.version());
            out.writeStringProperty("id", answer.requestId());
            out.writeObjectPropertyStart("parameters");
            out.writeStringProperty("role", answer.role().name());
            out.writeNumberProperty("batch_size", answer.batchSize());
            out.writeArrayPropertyStart("class_names");
            for (String name : answer.classNames()) {
                out.writeString(name);
            }
            out.writeEndArray();
            out.writeEndObject();
            out.writeArrayPropertyStart("outputs");
            out.writeStartObject();
            out.writeStringProperty("name", "probabilities");
            out.writeStringProperty("datatype", "FP32");
            out.writeArrayPropertyStart("shape");
            out.writeNumber(rows);
            out.writeNumber(classes);
            out.writeEndArray();
            out.writeArrayPropertyStart("data");
            for (Scores scores : answer.scores()) {
                for (int c = 0; c < classes; c++) {
                    out.writeNumber(scores.probabilities()[c]);
                }
            }
            out.writeEndArray();
            out.writeEndObject();
            out.writeStartObject();
            out.writeStringProperty("name", "label");
            out.writeStringProperty("datatype", "BYTES");
            out.writeArrayPropertyStart("shape");
            out.writeNumber(rows);
            out.writeEndArray();
            out.writeArrayPropertyStart("data");
            for (Scores scores : answer.scores()) {
                out.writeString(scores.label());
            }
            out.writeEndArray();
            out.writeEndObject();
            out.writeEndArray();
            out.writeEndObject();
        }
        return bytes.toByteArray();
    }
}
