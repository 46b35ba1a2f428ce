package io.sluice.ingest.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.ingest.TestDatasets;
import io.sluice.platform.datasets.DatasetManifest;
import io.sluice.platform.datasets.Split;
import io.sluice.platform.datasets.Splits;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.storage.ObjectKeys;

/** Listing, hashing, validating and building manifests against a real local bucket. */
class DatasetAssemblerTests {

    @TempDir
    Path root;

    FileObjectStore store;
    RawBucket raw;
    ValidationRules rules = new ValidationRules(3, 2, 10, "label", List.of(), Map.of());

    @BeforeEach
    void setUp() {
        store = new FileObjectStore(root);
        raw = new RawBucket(store.bucket("raw"));
    }

    DatasetAssembler assembler() {
        return new DatasetAssembler(store, raw, rules, Splits.DEFAULT, 2);
    }

    URI dataset(String name) {
        return raw.datasetPrefix(name);
    }

    @Test
    void buildsTheManifestOfAValidImageFolder() throws IOException {
        TestDatasets.writeImages(store, dataset("asl"), Map.of("A", 4, "B", 5), 0);
        TestDatasets.markComplete(store, dataset("asl"));

        Assembly assembly = assembler().assemble("asl");

        assertThat(assembly.rejected()).isFalse();
        assertThat(assembly.layout()).isEqualTo(Assembly.Layout.IMAGE_FOLDER);
        assertThat(assembly.classCounts()).containsExactly(Map.entry("A", 4L), Map.entry("B", 5L));
        DatasetManifest manifest = assembly.manifest();
        assertThat(manifest.classNames()).containsExactly("A", "B");
        assertThat(manifest.inputShape()).containsExactly(1, 8, 8);
        assertThat(manifest.samples()).hasSize(9).allSatisfy(s -> {
            assertThat(s.split()).isEqualTo(Splits.DEFAULT.assign(s.key()));
            assertThat(s.sha256()).hasSize(64);
        });
        assertThat(manifest.samples().get(0).key()).isEqualTo("A/img 000.png");
        assertThat(manifest.rawUri()).isEqualTo(dataset("asl").toString());
    }

    @Test
    void versionsByContentOnly() throws IOException {
        TestDatasets.writeImages(store, dataset("v"), Map.of("A", 3, "B", 3), 0);
        String first = assembler().assemble("v").version();
        TestDatasets.writeImages(store, dataset("v"), Map.of("A", 3, "B", 3), 0); // same bytes again
        TestDatasets.markComplete(store, dataset("v"));
        assertThat(assembler().assemble("v").version()).isEqualTo(first);

        store.put(ObjectKeys.resolve(dataset("v"), "B/img 002.png"), TestDatasets.grey(99));
        assertThat(assembler().assemble("v").version()).isNotEqualTo(first).hasSize(64);
    }

    @Test
    void namesACorruptImageAndAClassWithTooFewSamples() throws IOException {
        TestDatasets.writeImages(store, dataset("bad"), Map.of("A", 4, "B", 2), 0);
        store.put(ObjectKeys.resolve(dataset("bad"), "A/broken.png"), "not a png".getBytes(StandardCharsets.UTF_8));

        Assembly assembly = assembler().assemble("bad");

        assertThat(assembly.rejected()).isTrue();
        assertThat(assembly.issues()).extracting(Issue::rule, Issue::path)
                .contains(org.assertj.core.groups.Tuple.tuple("corrupt-file", "A/broken.png"),
                        org.assertj.core.groups.Tuple.tuple("min-samples-per-class", "B"));
        assertThat(assembly.version()).hasSize(64);
    }

    @Test
    void rejectsImagesOfAnotherSizeOrModeAndImagesWithoutAClass() throws IOException {
        TestDatasets.writeImages(store, dataset("mixed"), Map.of("A", 4, "B", 4), 0);
        store.put(ObjectKeys.resolve(dataset("mixed"), "A/big.png"), TestDatasets.png(16, 16, BufferedImage.TYPE_BYTE_GRAY, 1));
        store.put(ObjectKeys.resolve(dataset("mixed"), "B/colour.png"), TestDatasets.png(8, 8, BufferedImage.TYPE_INT_RGB, 2));
        store.put(ObjectKeys.resolve(dataset("mixed"), "loose.png"), TestDatasets.grey(3));

        Assembly assembly = assembler().assemble("mixed");

        assertThat(assembly.issues()).extracting(Issue::rule, Issue::path).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("inconsistent-image", "A/big.png"),
                org.assertj.core.groups.Tuple.tuple("inconsistent-image", "B/colour.png"),
                org.assertj.core.groups.Tuple.tuple("missing-label", "loose.png"));
        assertThat(assembly.issues()).filteredOn(i -> i.path().equals("B/colour.png")).singleElement()
                .extracting(Issue::message).asString().contains("8x8x3").contains("8x8x1");
    }

    @Test
    void buildsTheManifestOfAValidCsv() throws IOException {
        store.put(ObjectKeys.resolve(dataset("iris"), "data.csv"), TestDatasets.csv(10));

        Assembly assembly = assembler().assemble("iris");

        assertThat(assembly.rejected()).isFalse();
        DatasetManifest manifest = assembly.manifest();
        assertThat(manifest.layout()).isEqualTo(DatasetManifest.CSV);
        assertThat(manifest.featureNames()).containsExactly("x1", "x2");
        assertThat(manifest.labelColumn()).isEqualTo("label");
        assertThat(manifest.inputShape()).containsExactly(2);
        assertThat(manifest.samples()).hasSize(10);
        assertThat(manifest.samples().get(3).id()).isEqualTo("data.csv#3");
        assertThat(manifest.samples().get(3).split()).isEqualTo(Splits.DEFAULT.assign("data.csv#3"));
        assertThat(manifest.splitCounts().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(10);
        assertThat(assembly.classCounts()).containsExactly(Map.entry("a", 5L), Map.entry("b", 5L));
    }

    @Test
    void namesRaggedEmptyNonNumericAndUnlabelledRows() throws IOException {
        String csv = "x1,x2,label\n1,2,a\n1,2,a\n1,2,a\n\n3,4\n5,six,b\n7,8,\n1,1,b\n1,1,b\n1,1,b\n";
        store.put(ObjectKeys.resolve(dataset("rows"), "d.csv"), csv.getBytes(StandardCharsets.UTF_8));

        Assembly assembly = assembler().assemble("rows");

        assertThat(assembly.issues()).extracting(Issue::rule, Issue::path, Issue::severity).containsExactly(
                org.assertj.core.groups.Tuple.tuple("missing-label", "d.csv#6", Issue.Severity.ERROR),
                org.assertj.core.groups.Tuple.tuple("non-numeric-feature", "d.csv#5", Issue.Severity.ERROR),
                org.assertj.core.groups.Tuple.tuple("ragged-row", "d.csv#4", Issue.Severity.ERROR),
                org.assertj.core.groups.Tuple.tuple("empty-row", "d.csv#3", Issue.Severity.WARNING));
    }

    @Test
    void appliesTheConfiguredActionOfEachRule() throws IOException {
        rules = new ValidationRules(3, 2, 2.0, "label", List.of(), Map.of(ValidationRules.MIN_SAMPLES, ValidationRules.Action.WARN));
        TestDatasets.writeImages(store, dataset("lean"), Map.of("A", 7, "B", 2), 0);

        Assembly assembly = assembler().assemble("lean");

        assertThat(assembly.rejected()).isFalse();
        assertThat(assembly.warnings()).extracting(Issue::rule).containsExactlyInAnyOrder("min-samples-per-class", "class-imbalance");
    }

    @Test
    void rejectsLabelsOutsideTheClassesAManifestDeclares() throws IOException {
        TestDatasets.writeImages(store, dataset("declared"), Map.of("A", 3, "B", 3, "Z", 3), 0);
        store.put(ObjectKeys.resolve(dataset("declared"), "manifest.json"), "{\"classes\":[\"A\",\"B\",\"C\"]}".getBytes());

        Assembly assembly = assembler().assemble("declared");

        assertThat(assembly.issues()).extracting(Issue::rule).containsOnly("unknown-label", "min-samples-per-class");
        assertThat(assembly.issues()).filteredOn(i -> i.rule().equals("min-samples-per-class")).singleElement()
                .extracting(Issue::path).isEqualTo("C");
        assertThat(assembly.issues()).filteredOn(i -> i.rule().equals("unknown-label")).hasSize(3);
    }

    @Test
    void rejectsAnEmptyDatasetAndAMalformedManifest() throws IOException {
        store.put(ObjectKeys.resolve(dataset("empty"), "manifest.json"), "{oops".getBytes());

        Assembly assembly = assembler().assemble("empty");

        assertThat(assembly.layout()).isEqualTo(Assembly.Layout.UNKNOWN);
        assertThat(assembly.issues()).extracting(Issue::rule).containsExactly("invalid-manifest", "no-samples");
    }

    @Test
    void splitsStayStableWhenSamplesAreAdded() throws IOException {
        TestDatasets.writeImages(store, dataset("grow"), Map.of("A", 20, "B", 20), 0);
        Map<String, Split> before = splits(assembler().assemble("grow").manifest());
        TestDatasets.writeImages(store, dataset("grow"), Map.of("C", 20), 100);
        Map<String, Split> after = splits(assembler().assemble("grow").manifest());

        assertThat(after).containsAllEntriesOf(before).hasSize(60);
    }

    private static Map<String, Split> splits(DatasetManifest manifest) {
        return manifest.samples().stream().collect(java.util.stream.Collectors.toMap(DatasetManifest.Sample::id, DatasetManifest.Sample::split));
    }
}
