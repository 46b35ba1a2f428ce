package io.sluice.inference.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

import io.sluice.inference.domain.Answer;
import io.sluice.inference.domain.InvalidInputException;
import io.sluice.inference.domain.Payload;
import io.sluice.inference.domain.Role;
import io.sluice.inference.domain.Scores;
import io.sluice.inference.domain.TooLargeException;

class V2TensorsTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static V2Tensors.Request read(String body) {
        return V2Tensors.read(JSON.createParser(body));
    }

    private static Payload.Tensor tensor(String input) {
        return read("{\"inputs\":[" + input + "]}").tensor();
    }

    private static String refusal(String body) {
        return assertThatThrownBy(() -> read(body)).isInstanceOf(InvalidInputException.class).actual().getMessage();
    }

    @Test
    void readsAFlatFloatTensorAndTheRequestId() {
        V2Tensors.Request request = read("{\"id\":\"r-1\",\"inputs\":[{\"name\":\"input\",\"shape\":[2,3],\"datatype\":\"FP32\","
                + "\"data\":[0.5,1,-2.25,3e-2,4,1e2]}]}");
        assertThat(request.id()).isEqualTo("r-1");
        assertThat(request.tensor().shape()).containsExactly(2, 3);
        assertThat(request.tensor().data()).containsExactly(0.5f, 1f, -2.25f, 0.03f, 4f, 100f);
        assertThat(request.tensor().integer()).isFalse();
    }

    @Test
    void flattensNestedDataInRowMajorOrder() {
        Payload.Tensor tensor = tensor("{\"shape\":[2,2,2],\"datatype\":\"FP64\",\"data\":[[[1,2],[3,4]],[[5,6],[7,8]]]}");
        assertThat(tensor.data()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    }

    @Test
    void takesTheTensorsPropertiesInAnyOrderAndSkipsUnknownOnes() {
        V2Tensors.Request request = read("{\"parameters\":{\"x\":[1,{\"y\":2}]},\"inputs\":[{\"data\":[1,2,3,4],"
                + "\"parameters\":{\"content_type\":\"np\"},\"datatype\":\"FP16\",\"name\":\"in\",\"shape\":[1,4]}],"
                + "\"outputs\":[{\"name\":\"probabilities\"}],\"id\":\"late\"}");
        assertThat(request.id()).isEqualTo("late");
        assertThat(request.tensor().data()).containsExactly(1, 2, 3, 4);
        assertThat(request.tensor().shape()).containsExactly(1, 4);
    }

    @Test
    void readsIntegerDatatypesAsWholeNumbersAndMarksThem() {
        Payload.Tensor bytes = tensor("{\"shape\":[3],\"datatype\":\"UINT8\",\"data\":[0,128,255]}");
        assertThat(bytes.data()).containsExactly(0f, 128f, 255f);
        assertThat(bytes.integer()).isTrue();
        Payload.Tensor wide = tensor("{\"shape\":[2],\"datatype\":\"INT64\",\"data\":[-9000000000,3.0]}");
        assertThat(wide.data()).containsExactly(-9.0e9f, 3f);
        assertThat(wide.integer()).isTrue();
    }

    @Test
    void refusesFractionsForIntegerDatatypesWhereverTheDatatypeComes() {
        assertThat(refusal("{\"inputs\":[{\"shape\":[2],\"datatype\":\"INT32\",\"data\":[1,2.5]}]}"))
                .isEqualTo("datatype INT32 needs whole numbers, got 2.5");
        assertThat(refusal("{\"inputs\":[{\"data\":[1.5,2],\"shape\":[2],\"datatype\":\"UINT8\"}]}"))
                .isEqualTo("datatype UINT8 needs whole numbers, got 1.5");
    }

    @Test
    void refusesUnsupportedOrMissingDatatypes() {
        assertThat(refusal("{\"inputs\":[{\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"x\"]}]}"))
                .contains("datatype BYTES is not supported");
        assertThat(refusal("{\"inputs\":[{\"shape\":[1],\"data\":[1]}]}")).contains("needs a 'datatype'");
        assertThat(refusal("{\"inputs\":[{\"shape\":[1],\"datatype\":3,\"data\":[1]}]}")).contains("needs a 'datatype'");
    }

    @Test
    void refusesMissingOrInvalidShapes() {
        assertThat(refusal("{\"inputs\":[{\"datatype\":\"FP32\",\"data\":[1]}]}")).contains("non-empty 'shape'");
        assertThat(refusal("{\"inputs\":[{\"shape\":[],\"datatype\":\"FP32\",\"data\":[1]}]}")).contains("non-empty 'shape'");
        assertThat(refusal("{\"inputs\":[{\"shape\":\"1\",\"datatype\":\"FP32\",\"data\":[1]}]}")).contains("non-empty 'shape'");
        assertThat(refusal("{\"inputs\":[{\"shape\":[1,0],\"datatype\":\"FP32\",\"data\":[1]}]}"))
                .isEqualTo("shape must list positive integers, got [1, 0]");
        assertThat(refusal("{\"inputs\":[{\"shape\":[1.5],\"datatype\":\"FP32\",\"data\":[1]}]}")).contains("positive integers");
        assertThat(refusal("{\"inputs\":[{\"shape\":[\"a\"],\"datatype\":\"FP32\",\"data\":[1]}]}")).contains("positive integers");
        assertThat(refusal("{\"inputs\":[{\"shape\":[100000,100000],\"datatype\":\"FP32\",\"data\":[1]}]}"))
                .contains("larger than " + V2Tensors.MAX_VALUES);
        assertThatThrownBy(() -> read("{\"inputs\":[{\"shape\":[100000,100000],\"datatype\":\"FP32\",\"data\":[1]}]}"))
                .as("a declared size over the limit is 413").isInstanceOf(TooLargeException.class);
    }

    @Test
    void judgesTheDeclaredShapeBeforeReadingTheValues() {
        List<long[]> seen = new java.util.ArrayList<>();
        V2Tensors.ShapeCheck refuse = (id, shape) -> {
            seen.add(shape);
            throw new TooLargeException("the request holds " + shape[0] + " inputs (" + id + ")");
        };
        // the values after the shape are garbage and the body is cut off: a reader that went on would fail on them
        String body = "{\"id\":\"r-9\",\"inputs\":[{\"name\":\"input\",\"shape\":[600,1,8,8],\"datatype\":\"FP32\",\"data\":[1,\"x\",";
        assertThatThrownBy(() -> V2Tensors.read(JSON.createParser(body), refuse)).isInstanceOf(TooLargeException.class)
                .hasMessage("the request holds 600 inputs (r-9)");
        assertThat(seen).singleElement().satisfies(shape -> assertThat(shape).containsExactly(600, 1, 8, 8));

        seen.clear();
        V2Tensors.ShapeCheck accept = (id, shape) -> seen.add(shape);
        V2Tensors.Request dataFirst = V2Tensors.read(JSON.createParser(
                "{\"inputs\":[{\"data\":[1,2],\"datatype\":\"FP32\",\"shape\":[1,2]}]}"), accept);
        assertThat(dataFirst.tensor().data()).containsExactly(1f, 2f);
        assertThat(seen).as("a shape after the data is still judged").hasSize(1);
    }

    @Test
    void refusesDataThatIsNotAListOfNumbers() {
        assertThat(refusal("{\"inputs\":[{\"shape\":[1],\"datatype\":\"FP32\",\"data\":\"oops\"}]}")).contains("needs 'data'");
        assertThat(refusal("{\"inputs\":[{\"shape\":[1],\"datatype\":\"FP32\"}]}")).contains("needs 'data'");
        assertThat(refusal("{\"inputs\":[{\"shape\":[2],\"datatype\":\"FP32\",\"data\":[1,\"x\"]}]}"))
                .isEqualTo("'data' must hold only numbers, got 'x'");
        assertThat(refusal("{\"inputs\":[{\"shape\":[2],\"datatype\":\"FP32\",\"data\":[1,null]}]}")).endsWith("got null");
        assertThat(refusal("{\"inputs\":[{\"shape\":[2],\"datatype\":\"FP32\",\"data\":[1,{\"v\":2}]}]}")).endsWith("an object");
        assertThat(refusal("{\"inputs\":[{\"shape\":[2],\"datatype\":\"FP32\",\"data\":[true,1]}]}")).endsWith("got 'true'");
    }

    @Test
    void refusesDataWhoseSizeDoesNotMatchTheShape() {
        assertThat(refusal("{\"inputs\":[{\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[1,2]}]}"))
                .isEqualTo("shape [1, 4] needs 4 values, 'data' has 2");
        assertThat(refusal("{\"inputs\":[{\"shape\":[2],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}"))
                .isEqualTo("shape [2] needs 2 values, 'data' has 3");
        assertThat(refusal("{\"inputs\":[{\"data\":[1,2,3],\"datatype\":\"FP32\",\"shape\":[2]}]}"))
                .isEqualTo("shape [2] needs 2 values, 'data' has 3");
    }

    @Test
    void refusesBodiesWithoutExactlyOneTensor() {
        String one = "{\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}";
        assertThat(refusal("{\"inputs\":[" + one + "," + one + "]}")).contains("exactly one tensor");
        assertThat(refusal("{\"inputs\":[]}")).contains("exactly one tensor");
        assertThat(refusal("{\"inputs\":" + one + "}")).contains("exactly one tensor");
        assertThat(refusal("{\"inputs\":[1]}")).contains("exactly one tensor");
        assertThat(refusal("{\"id\":\"x\"}")).contains("exactly one tensor");
    }

    @Test
    void refusesBodiesThatAreNotAJsonObject() {
        assertThat(refusal("")).contains("must be a JSON object");
        assertThat(refusal("[1,2]")).contains("must be a JSON object");
        assertThat(refusal("{not json")).startsWith("malformed request: ");
        assertThat(refusal("{\"inputs\":[{\"shape\":[1],\"datatype\":\"FP32\",\"data\":[NaN]}]}")).startsWith("malformed request: ");
    }

    @Test
    void writesProbabilitiesAsOneFlatFp32TensorAndLabelsBesideThem() {
        Answer answer = new Answer("r", "m", "v1", Role.STABLE, List.of("a", "b"),
                List.of(new Scores("b", 1, new float[] {0.25f, 0.75f}), new Scores("a", 0, new float[] {0.5f, 0.5f})), 2);
        String json = new String(V2Tensors.response(JSON, answer), java.nio.charset.StandardCharsets.UTF_8);
        @SuppressWarnings("unchecked")
        Map<String, Object> body = JSON.readValue(json, Map.class);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> outputs = (List<Map<String, Object>>) body.get("outputs");
        assertThat(outputs.get(0)).containsEntry("shape", List.of(2, 2)).containsEntry("data", List.of(0.25, 0.75, 0.5, 0.5));
        assertThat(outputs.get(1)).containsEntry("data", List.of("b", "a"));
        assertThat(body).containsEntry("model_name", "m").containsEntry("model_version", "v1").containsEntry("id", "r")
                .containsEntry("parameters", Map.of("role", "STABLE", "batch_size", 2, "class_names", List.of("a", "b")));
        assertThat(outputs.get(0)).containsEntry("name", "probabilities").containsEntry("datatype", "FP32");
        assertThat(outputs.get(1)).containsEntry("name", "label").containsEntry("datatype", "BYTES").containsEntry("shape", List.of(2));
    }
}
