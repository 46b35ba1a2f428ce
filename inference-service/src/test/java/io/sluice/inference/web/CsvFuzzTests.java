package io.sluice.inference.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import io.sluice.inference.domain.InvalidInputException;
import io.sluice.inference.domain.Payload;
import io.sluice.models.Inputs;

/**
 * The CSV row reader of {@code /predict} ({@code text/csv} bodies and uploaded {@code .csv} files) fed mutated rows and
 * headers (quotes, commas, blank and extra lines, numbers of every form, NUL and line separators) and arbitrary text:
 * it returns a row or refuses with {@link InvalidInputException} (a 400), never anything else; a row it returns then
 * becomes feature values or a refusal with the feature's name, as the served model converts it.
 */
class CsvFuzzTests {

    private static final List<String> FEATURES = List.of("x1", "x2", "x3");

    @Property(tries = 1000)
    void onlyReadsOrRefuses(@ForAll("bodies") String body) {
        Payload.CsvRow row;
        try {
            row = Csv.row(body);
        } catch (InvalidInputException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            return;
        }
        assertThat(row.values()).isNotEmpty();
        assertThat(row.header() == null || !row.header().isEmpty()).isTrue();
        try {
            float[] features = Inputs.csvRaw(row.values(), FEATURES);
            assertThat(features).hasSize(FEATURES.size());
            for (float feature : features) {
                assertThat(Float.isFinite(feature)).isTrue();
            }
        } catch (IllegalArgumentException refused) { // InvalidInputException with this message, as DjlServedModel answers
            assertThat(refused.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<String> value = Arbitraries.of("1", "-2.5", "1e3", "1e400", "NaN", "Infinity", "0x1p3", "\"4\"", "\"", "", " ",
                "a", "1,5", "\u0000", "3.4028236e38", "1f", "1d", "١");
        Arbitrary<String> documents = Combinators.combine(value, value, value, Arbitraries.of("", "x1,x2,x3\n", "x3,x1,x2\r\n",
                "\"x1\",x2\n", "\n\n", "a\nb\n")).as((a, b, c, header) -> header + a + "," + b + "," + c);
        Arbitrary<String> mutated = Combinators.combine(documents, Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(0, 10_000), Arbitraries.of('"', ',', '\n', '\r', '\u0000', '\u2028', ' ', '9'))
                .as((doc, how, where, c) -> {
                    int at = doc.isEmpty() ? 0 : where % doc.length();
                    return switch (how) {
                        case 0 -> doc;
                        case 1 -> doc.substring(0, at);
                        case 2 -> doc.substring(0, at) + c + doc.substring(at);
                        case 3 -> doc.isEmpty() ? doc : doc.substring(0, at) + c + doc.substring(at + 1);
                        default -> doc.substring(at) + doc.substring(0, at);
                    };
                });
        return Arbitraries.oneOf(mutated, Arbitraries.strings().ofMaxLength(100)).injectNull(0.02);
    }
}
