package io.sluice.inference.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.djl.Device;
import io.sluice.inference.TestModels;
import io.sluice.inference.domain.InvalidInputException;
import io.sluice.inference.domain.Payload;
import io.sluice.inference.domain.Role;
import io.sluice.inference.domain.Route;
import io.sluice.inference.domain.Scores;
import io.sluice.inference.domain.ServedModel;
import io.sluice.models.ModelIntegrityException;
import io.sluice.models.ModelPackage;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.storage.ObjectStore;
import io.sluice.platform.storage.StoredObject;

class DjlModelLoaderTests {

    @TempDir
    Path dir;

    @Test
    void loadsAVersionIntoTheCacheAndAnswersImagesTensorsAndBatches() throws Exception {
        FileObjectStore store = new FileObjectStore(dir.resolve("buckets"));
        URI uri = TestModels.write(store, store.bucket("models"), TestModels.imageCard("shapes", "v1"), 3);
        try (ServedModel model = loader(store, 1).load("shapes", new Route("v1", Role.STABLE, 100, uri.toString()))) {
            assertThat(model.info().cacheDir()).isEqualTo(dir.resolve("cache").resolve("shapes").resolve("v1"));
            assertThat(model.info().sizeBytes()).isPositive();
            assertThat(model.info().inputShape()).containsExactly(1, 8, 8);
            assertThat(model.info().device()).as("the configured device").isEqualTo(Device.cpu().toString());
            float[] image = model.inputs(new Payload.Image(TestModels.png(16, 16, 1))).get(0);
            List<float[]> rows = model.inputs(new Payload.Tensor(new float[128], new long[] {2, 1, 8, 8}, false));
            List<Scores> batch = model.predict(List.of(image, rows.get(0), rows.get(1)));
            assertThat(batch).hasSize(3);
            assertThat(model.predict(List.of(image)).get(0).probabilities()).containsExactly(batch.get(0).probabilities(),
                    org.assertj.core.data.Offset.offset(1e-5f));
            assertThat(model.inputStats(image)).containsKeys("mean", "std", "channel-0-mean-intensity");
            assertThatThrownBy(() -> model.inputs(new Payload.Tensor(new float[10], new long[] {1, 10}, false)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("does not fit");
            assertThatThrownBy(() -> model.inputs(new Payload.Image("GIF89a nope".getBytes())))
                    .isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> model.inputs(new Payload.CsvRow(List.of("1"), null))).isInstanceOf(InvalidInputException.class);
        }
    }

    @Test
    void refusesATamperedArtifactWithoutRetrying() throws Exception {
        FileObjectStore files = new FileObjectStore(dir.resolve("buckets"));
        URI uri = TestModels.write(files, files.bucket("models"), TestModels.imageCard("shapes", "v1"), 3);
        TestModels.tamper(Path.of(uri).resolve(ModelPackage.PARAMETERS_FILE));
        FlakyStore store = new FlakyStore(files, 0);
        assertThatThrownBy(() -> loader(store, 4).load("shapes", new Route("v1", Role.STABLE, 100, uri.toString())))
                .isInstanceOf(ModelIntegrityException.class).hasMessageContaining("parameters.params").hasMessageContaining("SHA-256");
        assertThat(store.opens.get()).as("integrity failures are not retried").isEqualTo(2);
        assertThat(dir.resolve("cache").resolve("shapes").resolve("v1").resolve(ModelPackage.PARAMETERS_FILE)).doesNotExist();
    }

    @Test
    void retriesTransientStorageFailuresWithBackoff() throws Exception {
        FileObjectStore files = new FileObjectStore(dir.resolve("buckets"));
        URI uri = TestModels.write(files, files.bucket("models"), TestModels.csvCard("points", "p1"), 3);
        FlakyStore store = new FlakyStore(files, 2);
        try (ServedModel model = loader(store, 4).load("points", new Route("p1", Role.STABLE, 100, uri.toString()))) {
            assertThat(model.inputs(new Payload.CsvRow(List.of("2", "1"), List.of("y", "x"))).get(0)).containsExactly(1f, 2f);
        }
        assertThatThrownBy(() -> loader(new FlakyStore(files, 10), 3).load("points", new Route("p1", Role.STABLE, 100, uri.toString())))
                .isInstanceOf(IOException.class).hasMessageContaining("flaky");
    }

    @Test
    void refusesACardThatDescribesAnotherModel() throws Exception {
        FileObjectStore store = new FileObjectStore(dir.resolve("buckets"));
        URI uri = TestModels.write(store, store.bucket("models"), TestModels.csvCard("points", "p1"), 3);
        assertThatThrownBy(() -> loader(store, 1).load("other", new Route("p1", Role.STABLE, 100, uri.toString())))
                .hasMessageContaining("describes points:p1");
    }

    private DjlModelLoader loader(ObjectStore store, int attempts) {
        return new DjlModelLoader(new ModelPackage(store, dir.resolve("cache")), model -> Device.cpu(), attempts, Duration.ofMillis(10), 1 << 20);
    }

    /** A store whose first reads fail, as a flaky network would. */
    private static final class FlakyStore implements ObjectStore {
        private final ObjectStore delegate;
        private final AtomicInteger failures;
        final AtomicInteger opens = new AtomicInteger();

        FlakyStore(ObjectStore delegate, int failures) {
            this.delegate = delegate;
            this.failures = new AtomicInteger(failures);
        }

        @Override
        public Set<String> schemes() {
            return delegate.schemes();
        }

        @Override
        public Stream<StoredObject> list(URI prefix) throws IOException {
            return delegate.list(prefix);
        }

        @Override
        public Optional<StoredObject> stat(URI object) throws IOException {
            return delegate.stat(object);
        }

        @Override
        public InputStream open(URI object) throws IOException {
            opens.incrementAndGet();
            if (failures.getAndDecrement() > 0) {
                throw new IOException("flaky storage");
            }
            return delegate.open(object);
        }

        @Override
        public void put(URI object, Path source) throws IOException {
            delegate.put(object, source);
        }

        @Override
        public void put(URI object, byte[] content) throws IOException {
            delegate.put(object, content);
        }

        @Override
        public boolean delete(URI object) throws IOException {
            return delegate.delete(object);
        }
    }
}
