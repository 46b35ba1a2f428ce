package io.sluice.training.command;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.sluice.models.ModelPackage;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.storage.ObjectStore;
import io.sluice.platform.storage.ObjectStoreAdapter;
import io.sluice.platform.storage.ObjectStores;
import io.sluice.training.CloudProgress;
import io.sluice.training.djl.DjlTrainingBackend;
import io.sluice.training.domain.EpochResult;
import io.sluice.training.domain.ModelSettings;
import io.sluice.training.domain.TrainingFailure;
import io.sluice.training.domain.TrainingJob;
import io.sluice.training.domain.TrainingMonitor;
import io.sluice.training.domain.TrainingOutcome;
import io.sluice.training.domain.TrainingRequest;

/**
 * Trains one model version without Kafka:
 * {@code java -jar training-service-exec.jar train --dataset <manifest uri> --output <bucket>/models/<model>/<version>/
 * [--run-id <id>] [--storage-root <folder>] [--<setting>=<value> …]}. Settings are those of
 * {@code ModelSettings} (learningRate, batchSize, maxEpochs, patience, seed, optimizer, …); the rest keep
 * the service defaults. Exit status 0 when the version was written, 2 for bad arguments, 1 when
 * training failed (the reason is printed). Object URIs: {@code file:} under the storage root
 * (default {@code $SLUICE_DATA_DIR/buckets}), {@code gs://} (Application Default Credentials) and
 * {@code obs://} (endpoint and keys from {@code SLUICE_STORAGE_OBS_*}), see {@link CommandStores}.
 */
public final class TrainCommand {

    private static final Pattern OUTPUT = Pattern.compile("(.*/)models/([^/]+)/([^/]+)/?");

    private TrainCommand() {}

    /** Runs the command; returns the exit status. */
    public static int run(String[] args) {
        return run(args, System.getenv(), null);
    }

    /**
     * @param env         environment variables (data dir, cloud store settings)
     * @param cloudStores stores for gs:/obs: URIs, or null to set them up from {@code env} as the URIs need
     */
    static int run(String[] args, Map<String, String> env, List<ObjectStoreAdapter> cloudStores) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                return usage("unexpected argument " + arg);
            }
            int eq = arg.indexOf('=');
            if (eq > 0) {
                options.put(arg.substring(2, eq), arg.substring(eq + 1));
            } else if (i + 1 < args.length) {
                options.put(arg.substring(2), args[++i]);
            } else {
                return usage("missing value for " + arg);
            }
        }
        String dataset = options.remove("dataset");
        String output = options.remove("output");
        if (dataset == null || output == null) {
            return usage("--dataset and --output are required");
        }
        Matcher parts = OUTPUT.matcher(output);
        if (!parts.matches()) {
            return usage("--output must be <models bucket>/models/<model>/<version>/, not " + output);
        }
        String runId = Optional.ofNullable(options.remove("run-id")).orElse(parts.group(2) + "-" + parts.group(3));
        String dataDir = Optional.ofNullable(env.get("SLUICE_DATA_DIR")).orElse(System.getProperty("user.home") + "/.sluice");
        Path root = Path.of(Optional.ofNullable(options.remove("storage-root")).orElse(dataDir + "/buckets"));
        ModelSettings settings;
        try {
            settings = settings(options);
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        List<ObjectStoreAdapter> adapters = new ArrayList<>(List.of(new FileObjectStore(root)));
        try {
            adapters.addAll(cloudStores != null ? cloudStores
                    : CommandStores.forUris(new java.util.HashSet<>(List.of(CommandStores.scheme(dataset), CommandStores.scheme(output))), env));
        } catch (IllegalArgumentException | CommandStores.NotConfigured e) {
            return usage(e.getMessage());
        }
        try {
            return train(adapters, root, parts, runId, dataset, settings, hypertuneFile(env));
        } finally {
            if (cloudStores == null) {
                adapters.forEach(TrainCommand::closeQuietly);
            }
        }
    }

    /**
     * Where a Vertex AI tuning trial reports its metric (what Google's {@code cloudml-hypertune} library writes): the file in
     * {@code CLOUD_ML_HP_METRIC_FILE}, else {@code /tmp/hypertune/output.metrics} when {@code CLOUD_ML_TRIAL_ID} says this
     * is a trial; null otherwise.
     */
    static Path hypertuneFile(Map<String, String> env) {
        String file = env.get("CLOUD_ML_HP_METRIC_FILE");
        if (file != null && !file.isBlank()) {
            return Path.of(file);
        }
        return env.containsKey("CLOUD_ML_TRIAL_ID") ? Path.of("/tmp/hypertune/output.metrics") : null;
    }

    private static int train(List<ObjectStoreAdapter> adapters, Path root, Matcher parts, String runId, String dataset,
                             ModelSettings settings, Path hypertune) {
        ObjectStore store = new ObjectStores(adapters);
        DjlTrainingBackend backend = new DjlTrainingBackend(store, new ModelPackage(store, root.resolve(".model-cache")),
                URI.create(parts.group(1)), Clock.systemUTC());
        TrainingRequest request = new TrainingRequest(parts.group(2), parts.group(2), "unknown", dataset, "OPERATOR", runId, runId);
        try {
            TrainingOutcome outcome = backend.train(new TrainingJob(runId, request, parts.group(3), settings, Optional.empty(), null),
                    new ConsoleMonitor(hypertune, store, URI.create(parts.group(0))));
            System.out.printf("wrote %s (best epoch %d, validation accuracy %.4f)%n", outcome.modelUri(), outcome.bestEpoch(),
                    outcome.best().validationAccuracy());
            return 0;
        } catch (TrainingFailure e) {
            System.err.println("training failed: " + e.getMessage());
            return 1;
        }
    }

    private static void closeQuietly(ObjectStoreAdapter store) {
        if (store instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                System.err.println("cannot close " + store.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }

    static ModelSettings settings(Map<String, String> o) {
        ModelSettings settings = new ModelSettings(o.remove("architecture"), ints(o.remove("filters"), List.of(16, 32)), ints(o.remove("hidden"), List.of()),
                Double.parseDouble(o.getOrDefault("dropout", "0")), o.getOrDefault("optimizer", "adam"),
                Double.parseDouble(o.getOrDefault("learningRate", "0.001")), Integer.parseInt(o.getOrDefault("batchSize", "32")),
                Integer.parseInt(o.getOrDefault("maxEpochs", "20")), Integer.parseInt(o.getOrDefault("patience", "5")),
                Long.parseLong(o.getOrDefault("seed", "42")), ints(o.remove("imageSize"), List.of()), o.remove("colorMode"),
                Boolean.parseBoolean(o.getOrDefault("horizontalFlip", "false")), false);
        List.of("dropout", "optimizer", "learningRate", "batchSize", "maxEpochs", "patience", "seed", "horizontalFlip", "warmStart")
                .forEach(o::remove);
        if (!o.isEmpty()) {
            throw new IllegalArgumentException("unknown options " + o.keySet());
        }
        return settings;
    }

    private static List<Integer> ints(String csv, List<Integer> fallback) {
        if (csv == null || csv.isBlank()) {
            return fallback;
        }
        return java.util.Arrays.stream(csv.replace("[", "").replace("]", "").split(",")).map(String::trim).map(Integer::valueOf).toList();
    }

    private static int usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: train --dataset <manifest uri> --output <bucket>/models/<model>/<version>/ [--run-id <id>] "
                + "[--storage-root <folder>] [--learningRate=0.001 --maxEpochs=20 …]");
        return 2;
    }

    /** Prints each epoch, and reports its validation accuracy to the hypertune metrics file of a Vertex AI tuning trial. */
    private static final class ConsoleMonitor implements TrainingMonitor {

        private final Path hypertune;
        private final ObjectStore store;
        private final URI output;

        ConsoleMonitor(Path hypertune, ObjectStore store, URI output) {
            this.hypertune = hypertune;
            this.store = store;
            this.output = output;
        }

        @Override
        public void started(String backend, String device, String architecture, Map<String, String> hyperParameters, String parentVersion) {
            System.out.println("training " + architecture + " on " + device + " " + hyperParameters);
        }

        @Override
        public void epoch(EpochResult r, int maxEpochs, double samplesPerSecond, Double etaSeconds) {
            System.out.printf("epoch %d/%d loss %.4f acc %.4f val_loss %.4f val_acc %.4f (%.0f samples/s)%n", r.epoch(), maxEpochs,
                    r.trainLoss(), r.trainAccuracy(), r.validationLoss(), r.validationAccuracy(), samplesPerSecond);
            try { // the service polling this job reports it as TrainingProgressed
                CloudProgress.write(store, output, new CloudProgress.Epoch(r, maxEpochs, samplesPerSecond));
            } catch (java.io.IOException | RuntimeException e) {
                System.err.println("cannot write the progress of epoch " + r.epoch() + ": " + e.getMessage());
            }
            if (hypertune != null) {
                String line = String.format(java.util.Locale.ROOT, "{\"timestamp\": %.3f, \"trial\": \"%s\", \"%s\": %s, \"global_step\": %d}%n",
                        System.currentTimeMillis() / 1000.0, System.getenv().getOrDefault("CLOUD_ML_TRIAL_ID", "0"),
                        io.sluice.training.vertex.VertexAiSearch.METRIC, Double.toString(r.validationAccuracy()), r.epoch());
                try {
                    java.nio.file.Files.createDirectories(hypertune.toAbsolutePath().getParent());
                    java.nio.file.Files.writeString(hypertune, line, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                } catch (java.io.IOException e) {
                    System.err.println("cannot report the metric to " + hypertune + ": " + e.getMessage());
                }
            }
        }

        @Override
        public boolean stopRequested() {
            return Thread.currentThread().isInterrupted();
        }
    }
}
