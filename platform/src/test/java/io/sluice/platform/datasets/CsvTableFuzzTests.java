package io.sluice.platform.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The shared CSV reader fed mutated dataset files (quotes, commas, BOMs, CR/LF and NUL in odd places, bytes cut or
 * replaced) and arbitrary bytes: it always returns a table whose rows are numbered in order, and a lookup answers or
 * refuses with an {@link IllegalArgumentException} that says why — never another exception. Cells written with RFC 4180
 * quoting read back as they were.
 */
class CsvTableFuzzTests {

    @Property(tries = 1000)
    void parsesAnyBytesIntoNumberedRows(@ForAll("files") byte[] content, @ForAll("columns") List<String> columns) {
        CsvTable table = CsvTable.parse(content);

        for (int i = 0; i < table.rows().size(); i++) {
            CsvTable.Row row = table.rows().get(i);
            assertThat(row.index()).isEqualTo(i);
            assertThat(row.text()).doesNotContain("\n");
            assertThat(row.empty() ? row.cells().isEmpty() : !row.cells().isEmpty()).isTrue();
        }
        for (int row = -1; row <= table.rows().size(); row++) {
            try {
                assertThat(table.values(row, columns)).hasSize(columns.size());
            } catch (IllegalArgumentException refused) {
                assertThat(refused.getMessage()).isNotBlank();
            }
        }
    }

    @Property(tries = 1000)
    void readsQuotedCellsBackAsWritten(@ForAll("rows") List<List<String>> rows) {
        String file = rows.stream().map(CsvTableFuzzTests::line).collect(Collectors.joining("\r\n", "", "\n"));

        CsvTable table = CsvTable.parse(file.getBytes(StandardCharsets.UTF_8));

        assertThat(table.header()).containsExactlyElementsOf(rows.get(0).stream().map(String::trim).toList());
        assertThat(table.rows()).extracting(CsvTable.Row::cells).containsExactlyElementsOf(rows.subList(1, rows.size()));
    }

    private static String line(List<String> cells) {
        return cells.stream().map(cell -> "\"" + cell.replace("\"", "\"\"") + "\"").collect(Collectors.joining(","));
    }

    @Provide
    Arbitrary<List<List<String>>> rows() {
        Arbitrary<String> cell = Arbitraries.strings().withChars("ab1,.\" é\u0000\t-").ofMaxLength(8);
        return Arbitraries.integers().between(1, 5).flatMap(width ->
                cell.list().ofSize(width).list().ofMinSize(1).ofMaxSize(6));
    }

    @Provide
    Arbitrary<List<String>> columns() {
        return Arbitraries.of("x1", "x2", "label", "", "\"x1\"", "missing").list().ofMaxSize(3);
    }

    @Provide
    Arbitrary<byte[]> files() {
        Arbitrary<String> documents = Arbitraries.of(
                "x1,x2,label\n1,2,a\n3,4,b\n",
                "\uFEFFx1, x2 ,label\r\n1,2,a\r\n\r\n5,\"6\",\"b,c\"\r\n",
                "x1,x2,label\n\"1\"\"\",2,a\n\"unterminated,3\n,,\n\n\n",
                "label\n\u0000\n\u2028\n a \n",
                "",
                "\n\n\n",
                "\"\"\"\"");
        Arbitrary<String> mutated = Combinators.combine(documents, Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(0, 10_000), Arbitraries.of('"', ',', '\n', '\r', '\u0000', '\uFEFF', 'x', '1'))
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
        return Arbitraries.oneOf(mutated.map(s -> s.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300));
    }
}
