package io.sluice.ingest.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import io.sluice.platform.datasets.Splits;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.storage.ObjectKeys;

/**
 * A CSV dataset uploaded with mutated rows (ragged, quoted, unterminated quotes, odd numbers, NUL, empty) or arbitrary
 * bytes, assembled from a real local bucket: it is ready, or rejected with at least one error that names the rule and
 * says why (what {@code DatasetRejected} carries) — never an exception.
 */
class CsvDatasetFuzzTests {

    private static final Path ROOT;
    private static final AtomicInteger DATASETS = new AtomicInteger();

    static {
        try {
            ROOT = Files.createTempDirectory("csv-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final FileObjectStore store = new FileObjectStore(ROOT);
    private final RawBucket raw = new RawBucket(store.bucket("raw"));
    private final DatasetAssembler assembler = new DatasetAssembler(store, raw,
            new ValidationRules(2, 2, 10, "label", List.of(), Map.of()), Splits.DEFAULT, 1);

    @Property(tries = 1000)
    void isReadyOrRejectedWithReasons(@ForAll("files") byte[] content) throws IOException {
        String dataset = "fuzz" + DATASETS.incrementAndGet();
        store.put(ObjectKeys.resolve(raw.datasetPrefix(dataset), "data.csv"), content);

        Assembly assembly = assembler.assemble(dataset);

        if (assembly.rejected()) {
            assertThat(assembly.issues()).anySatisfy(issue -> assertThat(issue.severity()).isEqualTo(Issue.Severity.ERROR));
        } else {
            assertThat(assembly.manifest().samples()).isNotEmpty();
        }
        assertThat(assembly.issues()).allSatisfy(issue -> {
            assertThat(issue.rule()).isNotBlank();
            assertThat(issue.message()).isNotBlank();
        });
    }

    @Provide
    Arbitrary<byte[]> files() {
        Arbitrary<String> cell = Arbitraries.of("1", "2.5", "-3", "1e400", "NaN", "a", "b", "", " ", "\"4\"", "\"5,6\"", "\"", "\u0000",
                "0x10", "Infinity", "\"b\"");
        Arbitrary<String> row = cell.list().ofMinSize(0).ofMaxSize(4).map(cells -> String.join(",", cells));
        Arbitrary<String> documents = Combinators.combine(Arbitraries.of("x1,x2,label", "label", "x1,x2", "\uFEFFx1,label", "",
                "\"x1\",\"label\""), row.list().ofMaxSize(12)).as((header, rows) -> header + "\n" + String.join("\n", rows) + "\n");
        Arbitrary<String> mutated = Combinators.combine(documents, Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 10_000), Arbitraries.of('"', ',', '\n', '\r', '\u0000', 'x'))
                .as((doc, how, where, c) -> {
                    int at = doc.isEmpty() ? 0 : where % doc.length();
                    return switch (how) {
                        case 0 -> doc;
                        case 1 -> doc.substring(0, at);
                        case 2 -> doc.substring(0, at) + c + doc.substring(at);
                        default -> doc.isEmpty() ? doc : doc.substring(0, at) + c + doc.substring(at + 1);
                    };
                });
        return Arbitraries.oneOf(mutated.map(s -> s.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(200));
    }
}
