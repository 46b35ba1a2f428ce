package io.sluice.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import io.sluice.platform.datasets.DatasetManifest;
import io.sluice.platform.datasets.Split;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.storage.ObjectKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetSamplesTests {

    @TempDir
    Path temp;

    @Test
    void readsCsvRowsOfOneSplitByRowNumberAndColumnName() throws Exception {
        FileObjectStore store = new FileObjectStore(temp);
        URI raw = ObjectKeys.resolve(store.bucket("raw"), "datasets/points/");
        store.put(ObjectKeys.resolve(raw, "data.csv"), "y,label,x\n1.5,a,2\n\n\"-3\",b,4\n".getBytes(StandardCharsets.UTF_8));
        DatasetManifest manifest = new DatasetManifest("points", "v", DatasetManifest.CSV, raw.toString(), List.of("a", "b"), List.of(2),
                List.of("x", "y"), "label", List.of(
                        new DatasetManifest.Sample("data.csv", 0, "a", Split.TRAIN, 9, "0".repeat(64)),
                        new DatasetManifest.Sample("data.csv", 2, "b", Split.TRAIN, 9, "0".repeat(64)),
                        new DatasetManifest.Sample("data.csv", 0, "a", Split.TEST, 9, "0".repeat(64))));
        ModelCard.InputSpec spec = new ModelCard.InputSpec(ModelCard.InputSpec.CSV, List.of(2), null, List.of("x", "y"));

        DatasetSamples train = DatasetSamples.load(store, manifest, Split.TRAIN, spec);

        assertThat(train.size()).isEqualTo(2);
        assertThat(train.inputs().get(0)).containsExactly(2f, 1.5f);
        assertThat(train.inputs().get(1)).containsExactly(4f, -3f);
        assertThat(train.labels()).containsExactly(0, 1);
        assertThat(train.ids()).containsExactly("data.csv#0", "data.csv#2");
    }

    @Test
    void namesTheSampleThatCannotBeRead() {
        FileObjectStore store = new FileObjectStore(temp);
        URI raw = ObjectKeys.resolve(store.bucket("raw"), "datasets/pics/");
        DatasetManifest manifest = new DatasetManifest("pics", "v", DatasetManifest.IMAGE_FOLDER, raw.toString(), List.of("a", "b"),
                List.of(1, 8, 8), List.of(), null, List.of(new DatasetManifest.Sample("a/missing.png", null, "a", Split.TRAIN, 1, "0".repeat(64))));

        assertThatThrownBy(() -> DatasetSamples.load(store, manifest, Split.TRAIN, TestCards.image("v1").input()))
                .hasMessageContaining("sample a/missing.png of pics@v cannot be read");
    }
}
