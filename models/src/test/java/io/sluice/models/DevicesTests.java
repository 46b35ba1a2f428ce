package io.sluice.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import io.sluice.platform.storage.FileObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIf;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/** The device setting; the tests marked GPU-only run only where DJL's engine sees a GPU (skipped elsewhere). */
class DevicesTests {

    @TempDir
    Path temp;

    @Test
    void resolvesEverySettingAgainstTheGpusPresent() {
        assertThat(Devices.resolve("cpu", 0)).isEqualTo(Device.cpu());
        assertThat(Devices.resolve("cpu", 2)).isEqualTo(Device.cpu());
        assertThat(Devices.resolve("auto", 0)).isEqualTo(Device.cpu());
        assertThat(Devices.resolve("auto", 2)).isEqualTo(Device.gpu(0));
        assertThat(Devices.resolve("gpu", 1)).isEqualTo(Device.gpu(0));
        assertThat(Devices.resolve("gpu:1", 2)).isEqualTo(Device.gpu(1));
        assertThat(Devices.resolve(" gpu:0 ", 1)).isEqualTo(Device.gpu(0));
    }

    @Test
    void refusesWhatIsNotADeviceSetting() {
        for (String setting : Arrays.asList("tpu", "GPU", "gpu:", "gpu:-1", "gpu:x", "gpu(0)", "cpu:0", "", null)) {
            assertThatThrownBy(() -> Devices.resolve(setting, 1)).as(String.valueOf(setting))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be auto, cpu, gpu or gpu:N");
            assertThat(setting != null && setting.matches(Devices.SETTING)).as("the properties' pattern agrees: " + setting).isFalse();
        }
        for (String setting : new String[] {"auto", "cpu", "gpu", "gpu:0", "gpu:12"}) {
            assertThat(setting.matches(Devices.SETTING)).as(setting).isTrue();
        }
    }

    @Test
    void aGpuThatIsNotThereIsAnErrorNotTheCpu() {
        assertThatThrownBy(() -> Devices.resolve("gpu", 0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no GPU on this machine");
        assertThatThrownBy(() -> Devices.resolve("gpu:2", 2)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("2 GPU(s): gpu:0 to gpu:1");
    }

    @Test
    @DisabledIf("io.sluice.models.Devices#gpuPresent")
    void autoIsTheCpuWithoutAGpuAndGpuRefusesToStart() {
        assertThat(Devices.resolve("auto")).isEqualTo(Device.cpu());
        assertThat(Devices.best()).isEqualTo(Device.cpu());
        assertThatThrownBy(() -> Devices.resolve("gpu")).isInstanceOf(IllegalStateException.class).hasMessageContaining("no GPU");
    }

    @Test
    void aLoadedModelRunsOnTheConfiguredDevice() throws Exception {
        assertThat(loadedOn(Devices.resolve("cpu"))).isEqualTo(Device.cpu());
    }

    @Test
    @EnabledIf("io.sluice.models.Devices#gpuPresent")
    void aLoadedModelRunsOnTheConfiguredGpu() throws Exception { // GPU only
        assertThat(Devices.resolve("auto")).isEqualTo(Device.gpu(0));
        assertThat(loadedOn(Devices.resolve("gpu:0"))).isEqualTo(Device.gpu(0));
    }

    @Test
    @EnabledIf("io.sluice.models.Devices#gpuPresent")
    void closingAModelOnAGpuGivesItsMemoryBack() throws Exception { // GPU only
        Device gpu = Devices.resolve("gpu:0");
        loadedOn(gpu); // the CUDA context and cuBLAS workspaces stay for the process: measure after them
        long before = Devices.gpuMemoryUsed(gpu);
        long[] during = new long[1];
        loadedOn(gpu, loaded -> during[0] = Devices.gpuMemoryUsed(gpu));
        long after = Devices.gpuMemoryUsed(gpu);

        assertThat(during[0]).as("a loaded model takes GPU memory").isGreaterThan(before);
        assertThat(after).as("closed, it is given back (before %d, loaded %d)", before, during[0]).isLessThanOrEqualTo(before);
    }

    private Device loadedOn(Device device) throws Exception {
        return loadedOn(device, loaded -> {});
    }

    /** Writes a tiny CSV model, loads it on the device and answers where its predictor's arrays live. */
    private Device loadedOn(Device device, java.util.function.Consumer<LoadedModel> whileLoaded) throws Exception {
        FileObjectStore store = new FileObjectStore(temp.resolve("buckets"));
        URI bucket = store.bucket("models");
        ModelPackage models = new ModelPackage(store, temp.resolve("cache"));
        ModelCard card = TestCards.csv("v1");
        ModelPackage.Written written;
        try (Model model = Model.newInstance("test", Device.cpu(), "PyTorch")) {
            Block block = Networks.build(card);
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, Networks.inputShape(card.input(), 1));
            written = models.write(bucket, card, block, Map.of());
        }
        try (LoadedModel loaded = models.load(written.modelUri(), device)) {
            assertThat(loaded.predict(new float[card.input().size()]).probabilities()).hasSize(card.classNames().size());
            whileLoaded.accept(loaded);
            return loaded.model().getNDManager().getDevice();
        }
    }
}
