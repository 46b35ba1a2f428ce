package io.sluice.platform.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class DatasetManifestTests {

    @Test
    void roundTripsThroughJson() throws Exception {
        DatasetManifest manifest = new DatasetManifest("digits", "abc", DatasetManifest.IMAGE_FOLDER, "file:/b/datasets/digits/",
                List.of("a", "b"), List.of(1, 28, 28), List.of(), null,
                List.of(new DatasetManifest.Sample("a/1.png", null, "a", Split.TRAIN, 10, "00"),
                        new DatasetManifest.Sample("b/1.png", null, "b", Split.TEST, 11, "01")));

        DatasetManifest back = DatasetManifest.fromJson(manifest.toJson());

        assertThat(back).isEqualTo(manifest);
        assertThat(back.classIndex("b")).isEqualTo(1);
        assertThat(back.splitCounts()).isEqualTo(Map.of(Split.TRAIN, 1L, Split.VALIDATION, 0L, Split.TEST, 1L));
        assertThatThrownBy(() -> back.classIndex("z")).hasMessageContaining("'z' is not a class");
    }

    @Test
    void rejectsMalformedJsonWithAReason() {
        assertThatThrownBy(() -> DatasetManifest.fromJson("{not json".getBytes())).isInstanceOf(IOException.class)
                .hasMessageStartingWith("malformed dataset manifest");
        assertThatThrownBy(() -> DatasetManifest.fromJson("{}".getBytes())).isInstanceOf(IOException.class)
                .hasMessageContaining("lacks");
    }

    @Test
    void assignsStableSplitsInTheConfiguredProportions() {
        Splits splits = Splits.DEFAULT;
        List<Split> assigned = IntStream.range(0, 20_000).mapToObj(i -> splits.assign("class/img-" + i + ".png")).toList();

        assertThat(assigned.stream().filter(s -> s == Split.TEST).count() / 20_000.0).isCloseTo(0.1, within(0.01));
        assertThat(assigned.stream().filter(s -> s == Split.VALIDATION).count() / 20_000.0).isCloseTo(0.1, within(0.01));
        assertThat(splits.assign("class/img-7.png")).isEqualTo(assigned.get(7));
        assertThatThrownBy(() -> new Splits(0.5, 0.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
