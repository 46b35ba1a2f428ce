package io.sluice.training.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;

import ai.djl.Device;
import io.sluice.models.LoadedModel;
import io.sluice.models.ModelPackage;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.training.SyntheticDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTests {

    @TempDir
    Path temp;

    @Test
    void trainsADatasetIntoTheGivenVersionPrefix() throws Exception {
        FileObjectStore store = new FileObjectStore(temp);
        SyntheticDatasets.Written data = SyntheticDatasets.csv(store, store.bucket("raw"), store.bucket("training"), "points", 30, 4);
        URI output = ModelPackage.modelUri(store.bucket("models"), "points", "cmd-1");

        int status = TrainCommand.run(new String[] {"--dataset", data.manifestUri().toString(), "--output", output.toString(),
                "--storage-root", temp.toString(), "--maxEpochs=3", "--learningRate=0.01"});

        assertThat(status).isZero();
        try (LoadedModel model = new ModelPackage(store, temp.resolve("cache")).load(output, Device.cpu())) {
            assertThat(model.card().version()).isEqualTo("cmd-1");
            assertThat(model.card().history()).hasSizeLessThanOrEqualTo(3);
            assertThat(model.card().training()).containsEntry("learningRate", "0.01");
        }
    }

    @Test
    void refusesAnOutputThatIsNotAVersionPrefix() {
        assertThat(TrainCommand.run(new String[] {"--dataset", "file:/x/manifest.json", "--output", "file:/x/somewhere/"})).isEqualTo(2);
        assertThat(TrainCommand.run(new String[] {"--output", "file:/x/models/m/v/"})).isEqualTo(2);
        assertThat(TrainCommand.run(new String[] {"--dataset", "file:/x", "--output", "file:/x/models/m/v/", "--bogus=1"})).isEqualTo(2);
    }

    @Test
    void reportsATrainingFailure() {
        int status = TrainCommand.run(new String[] {"--dataset", temp.toUri() + "training/missing/manifest.json",
                "--output", temp.toUri() + "models/models/m/v/", "--storage-root", temp.toString()});

        assertThat(status).isEqualTo(1);
    }
}
