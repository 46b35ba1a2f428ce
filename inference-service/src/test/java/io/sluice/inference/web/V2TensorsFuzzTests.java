package io.sluice.inference.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import tools.jackson.databind.json.JsonMapper;

import io.sluice.inference.domain.InvalidInputException;

/**
 * The v2 tensor reader fed mutated requests (odd shapes, datatypes and data of every JSON type; bytes cut, inserted,
 * replaced) and arbitrary bytes: it returns a tensor or refuses with {@link InvalidInputException} (a 400), never
 * anything else, and never allocates for a declared shape before the values arrive.
 */
class V2TensorsFuzzTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Property(tries = 1000)
    void onlyReadsOrRefuses(@ForAll("requests") byte[] body) {
        try {
            assertThat(V2Tensors.read(JSON.createParser(body)).tensor()).isNotNull();
        } catch (InvalidInputException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }

    private static Arbitrary<String> values() {
        return Arbitraries.of("[]", "{}", "[1]", "[[1,2],[3]]", "true", "null", "\"x\"", "-1", "0", "1.5", "1e400", "-1e400",
                "99999999999999999999999", "[16777217]", "[4096,4096]", "[100000000]", "[2,2]", "[1,2]", "[[[]]]", "\"FP32\"",
                "\"INT8\"", "\"BYTES\"", "[0.5,\"a\"]", "[1,null]", "[1,{}]");
    }

    @Provide
    Arbitrary<byte[]> requests() {
        Arbitrary<String> documents = Combinators.combine(values(), values(), values(), values()).as((shape, type, data, id) ->
                "{\"id\":" + id + ",\"inputs\":[{\"name\":\"input\",\"shape\":" + shape + ",\"datatype\":" + type
                        + ",\"data\":" + data + "}]}");
        Arbitrary<String> mutated = Combinators.combine(documents, Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(0, 10_000), Arbitraries.chars()).as((doc, how, where, c) -> {
                    int at = where % doc.length();
                    return switch (how) {
                        case 0 -> doc;
                        case 1 -> doc.substring(0, at);
                        case 2 -> doc.substring(0, at) + c + doc.substring(at);
                        case 3 -> doc.substring(0, at) + c + doc.substring(at + 1);
                        default -> doc.substring(at) + doc.substring(0, at);
                    };
                });
        return Arbitraries.oneOf(mutated.map(s -> s.getBytes(StandardCharsets.UTF_8)), Arbitraries.bytes().array(byte[].class).ofMaxSize(200));
    }
}
