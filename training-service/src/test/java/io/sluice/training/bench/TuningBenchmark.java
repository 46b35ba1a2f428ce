package io.sluice.training.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import ai.djl.Device;
import io.sluice.models.ModelPackage;
import io.sluice.platform.datasets.DatasetManifest;
import io.sluice.platform.datasets.Splits;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.storage.ObjectKeys;
import io.sluice.training.djl.DjlTrainingBackend;
import io.sluice.training.domain.ModelSettings;
import io.sluice.training.domain.TrainingJob;
import io.sluice.training.domain.TrainingMonitor;
import io.sluice.training.domain.TrainingOutcome;
import io.sluice.training.domain.TrainingRequest;
import io.sluice.training.domain.EpochResult;
import io.sluice.training.domain.tuning.HyperparameterSearches;
import io.sluice.training.domain.tuning.SearchRecord;
import io.sluice.training.domain.tuning.SearchSpace;
import io.sluice.training.domain.tuning.TrialResult;
import io.sluice.training.domain.tuning.TunedParameters;
import io.sluice.training.domain.tuning.TuningListener;
import io.sluice.training.journal.ObjectStoreSearchJournal;

/**
 * A hyperparameter search (8 trials, successive halving η=3, rungs at epochs 1 and 3 of 9) against the default
 * parameters (learning rate 0.001, batch 32, 9 epochs) on a CSV dataset trained by the local DJL trainer (mlp 64,32), and
 * the same 8 trials run to their whole budget without early stopping: best validation accuracy of each and wall times.
 * Not a test. Data is read from local files only:
 *
 * <ul>
 *   <li>{@code digits FILE}: the UCI 8×8 handwritten digits as scikit-learn ships them ({@code sklearn/datasets/data/digits.csv.gz},
 *       1797 rows of 64 pixels and the label; Debian's python3-sklearn)</li>
 *   <li>{@code fashion FOLDER N}: the first N images of Fashion-MNIST's training set as 784 pixel features
 *       ({@code train-images-idx3-ubyte.gz} and {@code train-labels-idx1-ubyte.gz}; Debian's dataset-fashion-mnist)</li>
 * </ul>
 * Further optional arguments: trials (8), parallelism (the available processors).
 */
public final class TuningBenchmark {

    private TuningBenchmark() {}

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        boolean fashion = kind.equals("fashion");
        int next = fashion ? 3 : 2;
        int trials = args.length > next ? Integer.parseInt(args[next]) : 8;
        int parallelism = args.length > next + 1 ? Integer.parseInt(args[next + 1]) : Runtime.getRuntime().availableProcessors();
        Path root = Files.createTempDirectory("sluice-tuning-bench");
        FileObjectStore store = new FileObjectStore(root);
        URI manifest = fashion ? fashion(store, Path.of(args[1]), Integer.parseInt(args[2])) : digits(store, Path.of(args[1]));
        System.out.printf(Locale.ROOT, "%s, %d trials, parallelism %d, %d cores, load average %.2f%n", manifest, trials, parallelism,
                Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        DjlTrainingBackend backend = new DjlTrainingBackend(store, new ModelPackage(store, root.resolve("cache")), store.bucket("models"),
                Clock.systemUTC(), null, Device.cpu());
        TrainingRequest request = new TrainingRequest(kind, kind, "bench", manifest.toString(), "OPERATOR", kind, "bench");
        ModelSettings defaults = new ModelSettings(null, List.of(16, 32), List.of(), 0, "adam", 0.001, 32, 9, 5, 42, List.of(), null, false,
                false);

        long start = System.nanoTime();
        TrainingOutcome baseline = backend.train(new TrainingJob(kind + "-default", request, "default", defaults, Optional.empty(), null),
                new Quiet());
        double baselineSeconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "default parameters (lr 0.001, batch 32, 9 epochs): best validation accuracy %.4f in %.1f s%n",
                baseline.best().validationAccuracy(), baselineSeconds);

        SearchSpace asha = new SearchSpace(trials, 1e-4, 1e-1, List.of(16, 32, 64), List.of(), 1, 9, 3, 42);
        SearchSpace full = new SearchSpace(trials, 1e-4, 1e-1, List.of(16, 32, 64), List.of(), 9, 9, 3, 42); // no rungs: no early stops
        if (Boolean.getBoolean("fullFirst")) { // -DfullFirst=true: the order, to see what warm-up costs the first search
            report("same trials without early stopping", search(store, backend, defaults, full, request, parallelism, "full"));
            report("search with successive halving", search(store, backend, defaults, asha, request, parallelism, "asha"));
        } else {
            report("search with successive halving", search(store, backend, defaults, asha, request, parallelism, "asha"));
            report("same trials without early stopping", search(store, backend, defaults, full, request, parallelism, "full"));
        }
    }

    private record Result(SearchRecord search, TrialResult winner, double seconds) {}

    private static Result search(FileObjectStore store, DjlTrainingBackend backend, ModelSettings defaults, SearchSpace space,
                                 TrainingRequest request, int parallelism, String name) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        Result[] result = new Result[1];
        long start = System.nanoTime();
        TuningListener listener = new TuningListener() {
            @Override
            public void trialFinished(SearchRecord search, TrialResult trial) {
                System.out.printf(Locale.ROOT, "  %s %s %s epochs %d accuracy %.4f%n", trial.trialId(), trial.parameters(), trial.outcome(),
                        trial.epochs(), trial.validationAccuracy());
            }

            @Override
            public void completed(SearchRecord search, TrialResult winner, Map<String, String> best, String backendName, long millis) {
                result[0] = new Result(search, winner, (System.nanoTime() - start) / 1e9);
                done.countDown();
            }

            @Override
            public void failed(SearchRecord search, String reason) {
                System.out.println("search failed: " + reason);
                done.countDown();
            }
        };
        try (HyperparameterSearches searches = new HyperparameterSearches(new ObjectStoreSearchJournal(store,
                store.bucket("staging").resolve(name + "/")), backend, listener, model -> defaults, model -> space, new TunedParameters(),
                parallelism, Clock.systemUTC())) {
            searches.accept(new TrainingRequest(request.modelName(), request.datasetName(), request.datasetVersion(), request.manifestUri(),
                    "OPERATOR", request.correlationId(), name + "-0000-0000"));
            done.await(6, TimeUnit.HOURS);
        }
        return result[0];
    }

    private static void report(String what, Result r) {
        if (r == null) {
            return;
        }
        int epochs = r.search().trials().stream().mapToInt(TrialResult::epochs).sum();
        long stopped = r.search().trials().stream().filter(t -> t.outcome() == TrialResult.Outcome.STOPPED_EARLY).count();
        System.out.printf(Locale.ROOT, "%s: best validation accuracy %.4f (%s), %d trials, %d stopped early, %d epochs trained, wall %.1f s%n",
                what, r.winner().validationAccuracy(), r.winner().parameters(), r.search().trials().size(), stopped, epochs, r.seconds());
    }

    private static URI digits(FileObjectStore store, Path file) throws IOException {
        List<String> rows = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    String[] cells = line.strip().split(",");
                    int[] values = new int[cells.length];
                    for (int i = 0; i < cells.length; i++) {
                        values[i] = (int) Double.parseDouble(cells[i]);
                    }
                    rows.add(csvRow(values, cells.length - 1, "d" + values[cells.length - 1]));
                }
            }
        }
        return write(store, "digits", 64, rows, java.util.stream.IntStream.range(0, 10).mapToObj(d -> "d" + d).toList());
    }

    private static URI fashion(FileObjectStore store, Path folder, int count) throws IOException {
        List<String> classes = List.of("t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot");
        List<String> rows = new ArrayList<>();
        try (DataInputStream images = new DataInputStream(new GZIPInputStream(Files.newInputStream(folder.resolve("train-images-idx3-ubyte.gz"))));
             DataInputStream labels = new DataInputStream(new GZIPInputStream(Files.newInputStream(folder.resolve("train-labels-idx1-ubyte.gz"))))) {
            images.readInt();
            int n = Math.min(count, images.readInt());
            int pixels = images.readInt() * images.readInt();
            labels.readInt();
            labels.readInt();
            for (int i = 0; i < n; i++) {
                int[] values = new int[pixels];
                for (int p = 0; p < pixels; p++) {
                    values[p] = images.readUnsignedByte();
                }
                rows.add(csvRow(values, pixels, classes.get(labels.readUnsignedByte())));
            }
            return write(store, "fashion", pixels, rows, classes);
        }
    }

    private static String csvRow(int[] values, int features, String label) {
        StringBuilder row = new StringBuilder();
        for (int i = 0; i < features; i++) {
            row.append(values[i]).append(',');
        }
        return row.append(label).toString();
    }

    private static URI write(FileObjectStore store, String name, int features, List<String> rows, List<String> classes) throws IOException {
        Splits splits = new Splits(0.2, 0.1);
        URI raw = ObjectKeys.resolve(store.bucket("raw"), "datasets/" + name + "/");
        List<String> header = new ArrayList<>();
        for (int i = 0; i < features; i++) {
            header.add("p" + i);
        }
        StringBuilder csv = new StringBuilder(String.join(",", header)).append(",label\n");
        List<DatasetManifest.Sample> samples = new ArrayList<>();
        MessageDigest all = sha();
        for (int row = 0; row < rows.size(); row++) {
            String line = rows.get(row);
            csv.append(line).append('\n');
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            all.update(bytes);
            samples.add(new DatasetManifest.Sample("data.csv", row, line.substring(line.lastIndexOf(',') + 1),
                    splits.assign("data.csv#" + row), bytes.length, HexFormat.of().formatHex(sha().digest(bytes))));
        }
        store.put(ObjectKeys.resolve(raw, "data.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
        DatasetManifest manifest = new DatasetManifest(name, HexFormat.of().formatHex(all.digest()), DatasetManifest.CSV, raw.toString(),
                classes, List.of(features), header, "label", samples);
        URI uri = ObjectKeys.resolve(store.bucket("training"), "datasets/" + name + "/" + manifest.version() + "/manifest.json");
        store.put(uri, manifest.toJson());
        return uri;
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Prints nothing per epoch. */
    private static final class Quiet implements TrainingMonitor {
        @Override
        public void started(String backend, String device, String architecture, Map<String, String> hyperParameters, String parentVersion) {}

        @Override
        public void epoch(EpochResult result, int maxEpochs, double samplesPerSecond, Double etaSeconds) {}

        @Override
        public boolean stopRequested() {
            return false;
        }
    }
}
