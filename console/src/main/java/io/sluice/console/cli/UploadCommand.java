package io.sluice.console.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import io.sluice.platform.storage.InvalidObjectKeyException;
import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.storage.ObjectStore;
import io.sluice.platform.storage.ObjectStoreAdapter;
import io.sluice.platform.storage.ObjectStores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice upload}: copies a local dataset folder into the raw-data bucket of any configured store, then writes the {@code _SUCCESS} marker. */
@Command(name = "upload", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Upload a local dataset folder to the raw-data bucket (file:, gs:// or obs://).", "",
                "Copies a folder (an image folder <class>/<file>.png|jpg, or CSVs with a label column) to "
                        + "<raw-data bucket>/datasets/NAME/ and writes the _SUCCESS marker last, only after every file "
                        + "arrived; the marker starts the pipeline. Hidden files and folders (starting with '.') are skipped; a "
                        + "top-level manifest.json goes after the other files, just before the marker. A _SUCCESS left by an "
                        + "earlier upload is removed first, so a failed upload never looks complete. Any failure: a message "
                        + "naming the file, exit 1, no marker.",
                "",
                "The bucket, highest first: --bucket; SLUICE_BUCKETS_RAW_DATA; sluice.buckets.raw-data in the config file "
                        + "(--config or SLUICE_CONFIG); else PROJECT-ENV-raw-data from SLUICE_PROJECT and SLUICE_ENV "
                        + "(sluice.project, sluice.env; gs:// with SLUICE_STORAGE_GCS_ENABLED=true, obs:// with an OBS endpoint), "
                        + "as the services name it; else file:$SLUICE_DATA_DIR/buckets/" + StoreSettings.LOCAL_RAW_BUCKET + "/.",
                "",
                "The stores take the services' settings (flags over environment over config file):",
                "gs://  sluice.storage.gcs.project-id, .endpoint, .timeout, .max-attempts",
                "       (env SLUICE_STORAGE_GCS_PROJECT_ID, …); credentials: Application",
                "       Default Credentials (gcloud auth application-default login,",
                "       GOOGLE_APPLICATION_CREDENTIALS, or the workload's service account)",
                "obs:// sluice.storage.obs.endpoint, .path-style, .auth-type, .timeout,",
                "       .max-attempts (env SLUICE_STORAGE_OBS_ENDPOINT, …); credentials:",
                "       SLUICE_STORAGE_OBS_ACCESS_KEY and SLUICE_STORAGE_OBS_SECRET_KEY",
                "       (or SLUICE_OBS_ACCESS_KEY and SLUICE_OBS_SECRET_KEY), never flags.",
                "       S3-compatible servers: --obs-path-style --obs-auth-type V4"},
        footer = {"", "Examples:",
                "  sluice upload ./flowers --dataset flowers",
                "  sluice upload ./flowers -d flowers --bucket gs://acme-prod-raw-data/ -j 16",
                "  export SLUICE_STORAGE_OBS_ACCESS_KEY=… SLUICE_STORAGE_OBS_SECRET_KEY=…",
                "  sluice upload ./flowers -d flowers --bucket obs://acme-prod-raw-data/ \\",
                "      --obs-endpoint https://obs.eu-de.otc.t-systems.com"})
final class UploadCommand implements Callable<Integer> {

    static final String MARKER = "_SUCCESS";
    static final String MANIFEST = "manifest.json";

    private final CliContext context;

    @Parameters(index = "0", paramLabel = "DIR", description = "the folder to upload")
    Path source;

    @Option(names = {"-d", "--dataset"}, required = true, paramLabel = "NAME", description = "dataset name (one key segment, e.g. flowers)")
    String dataset;

    @Option(names = "--bucket", paramLabel = "URI",
            description = "raw-data bucket: file:/PATH/, gs://BUCKET/ or obs://BUCKET/ (default: $SLUICE_BUCKETS_RAW_DATA, the "
                    + "config file, PROJECT-ENV-raw-data from $SLUICE_PROJECT and $SLUICE_ENV, else the local one under "
                    + "$SLUICE_DATA_DIR/buckets)")
    String bucket;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML or .properties file with sluice.buckets.*, sluice.project, sluice.env and sluice.storage.* settings, as the services read them "
                    + "(default: $SLUICE_CONFIG, or none)")
    Path config;

    @Option(names = {"-j", "--parallel"}, paramLabel = "N",
            description = "files uploaded at once (default 8 for gs:// and obs://, 1 for file:)")
    Integer parallel;

    @Option(names = "--gcs-project", paramLabel = "ID", description = "Google Cloud project (sluice.storage.gcs.project-id)")
    String gcsProject;

    @Option(names = "--gcs-endpoint", paramLabel = "URL", description = "Cloud Storage endpoint override, e.g. an emulator (sluice.storage.gcs.endpoint)")
    String gcsEndpoint;

    @Option(names = "--obs-endpoint", paramLabel = "URL", description = "OBS or S3-compatible endpoint (sluice.storage.obs.endpoint)")
    String obsEndpoint;

    @Option(names = "--obs-path-style", description = "path-style addressing, for S3-compatible servers (sluice.storage.obs.path-style)")
    Boolean obsPathStyle;

    @Option(names = "--obs-auth-type", paramLabel = "OBS|V2|V4", description = "request signing (sluice.storage.obs.auth-type; default OBS)")
    String obsAuthType;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    UploadCommand(CliContext context) {
        this.context = context;
    }

    /** One file to upload and the object it becomes. */
    private record Item(Path file, String key, URI object, long size) {}

    @Override
    public Integer call() throws IOException {
        if (parallel != null && (parallel < 1 || parallel > 64)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--parallel takes 1 to 64");
        }
        if (!Files.isDirectory(source)) {
            throw new CliException(source + " is not a folder");
        }
        ObjectKeys.requireSafe(dataset);
        if (dataset.contains("/")) {
            throw new InvalidObjectKeyException(dataset, "a dataset name is one segment, without '/'");
        }
        StoreSettings settings = StoreSettings.resolve(context, config, flags());
        URI prefix = ObjectKeys.resolve(settings.bucket(), "datasets/" + dataset + "/");

        // check every key before copying anything, so a bad name never leaves half a dataset
        List<Item> items = items(source, prefix);
        if (items.isEmpty()) {
            throw new CliException(source + " holds no files to upload");
        }
        URI marker = ObjectKeys.resolve(prefix, MARKER);
        boolean remote = !"file".equals(settings.bucket().getScheme());
        int threads = parallel != null ? parallel : remote ? 8 : 1;

        ObjectStoreAdapter adapter = context.stores().open(settings);
        try {
            ObjectStore store = new ObjectStores(List.of(adapter));
            long totalBytes = items.stream().mapToLong(Item::size).sum();
            context.err().printf(Locale.ROOT, "sluice upload: %d file(s), %s, to %s (%d at a time)%n", items.size(), Progress.size(totalBytes),
                    prefix, threads);
            context.err().flush();
            Progress progress = new Progress(context, items.size(), totalBytes);
            // Ctrl-C: say what was left undone; the marker is not written once the JVM is stopping
            AtomicBoolean stopping = new AtomicBoolean();
            Thread interrupted = new Thread(() -> {
                stopping.set(true);
                progress.abort();
                context.err().println("sluice upload: interrupted after " + progress.count() + " of " + items.size() + " file(s); "
                        + MARKER + " not written, so the dataset is not marked complete");
                context.err().flush();
            }, "sluice-upload-interrupted");
            boolean hooked = ShutdownHooks.add(interrupted);
            try {
                try {
                    if (store.delete(marker)) {
                        context.err().println("sluice upload: removed the " + MARKER + " of an earlier upload; it is written again at the end");
                    }
                } catch (IOException | RuntimeException e) {
                    throw new CliException("cannot use the bucket " + settings.bucket() + ": " + describe(e)
                            + " (nothing was uploaded; " + hint(settings.bucket()) + ")", e);
                }
                // a top-level manifest.json is a completion marker for ingest too: it goes after every other file
                upload(store, items.stream().filter(i -> !i.key().equals(MANIFEST)).toList(), threads, progress, items.size());
                upload(store, items.stream().filter(i -> i.key().equals(MANIFEST)).toList(), 1, progress, items.size());
                if (stopping.get()) {
                    throw new CliException("interrupted");
                }
                try {
                    store.put(marker, new byte[0]);
                } catch (IOException | RuntimeException e) {
                    throw new CliException("every file was uploaded, but the marker " + marker + " could not be written: " + describe(e)
                            + "; run the same command again", e);
                }
            } finally {
                if (hooked) {
                    ShutdownHooks.remove(interrupted);
                }
            }
            progress.finish();
            context.out().printf(Locale.ROOT, "uploaded %d file(s), %s, to %s and wrote %s (%s)%n", items.size(), Progress.size(totalBytes),
                    prefix, MARKER, progress.rate());
            return 0;
        } finally {
            if (adapter instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception ignored) {
                    // nothing left to do with the client
                }
            }
        }
    }

    /** Flags that set store properties, by the services' property names. */
    private Map<String, Object> flags() {
        Map<String, Object> flags = new LinkedHashMap<>();
        put(flags, "sluice.buckets.raw-data", bucket);
        put(flags, "sluice.storage.gcs.project-id", gcsProject);
        put(flags, "sluice.storage.gcs.endpoint", gcsEndpoint);
        put(flags, "sluice.storage.obs.endpoint", obsEndpoint);
        put(flags, "sluice.storage.obs.path-style", obsPathStyle);
        put(flags, "sluice.storage.obs.auth-type", obsAuthType);
        return flags;
    }

    private static void put(Map<String, Object> flags, String name, Object value) {
        if (value != null) {
            flags.put(name, value);
        }
    }

    /** Uploads the items with a bounded pool; on the first failure no new upload starts and a {@link CliException} says which file failed. */
    private void upload(ObjectStore store, List<Item> items, int threads, Progress progress, int total) {
        if (items.isEmpty()) {
            return;
        }
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        AtomicInteger counter = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, items.size()), r -> {
            Thread thread = new Thread(r, "sluice-upload-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> futures = new ArrayList<>(items.size());
            for (Item item : items) {
                futures.add(pool.submit(() -> {
                    if (failure.get() != null) {
                        return; // stop starting new uploads after a failure
                    }
                    try {
                        store.put(item.object(), item.file());
                        progress.done(item.size());
                    } catch (IOException | RuntimeException e) {
                        failure.compareAndSet(null, new CliException("could not upload " + item.key() + " to " + item.object() + ": "
                                + describe(e), e));
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.compareAndSet(null, new CliException("interrupted", e));
        } catch (ExecutionException e) {
            failure.compareAndSet(null, new CliException("upload failed: " + describe(e.getCause()), e.getCause()));
        } finally {
            pool.shutdownNow();
        }
        RuntimeException failed = failure.get();
        if (failed != null) {
            progress.abort();
            throw new CliException(failed.getMessage() + "; " + progress.count() + " of " + total + " file(s) uploaded, " + MARKER
                    + " not written, so the dataset is not marked complete; run the same command again to retry", failed.getCause());
        }
    }

    private static String hint(URI bucket) {
        return switch (String.valueOf(bucket.getScheme())) {
            case "gs" -> "check the network, the bucket name and the credentials: gcloud auth application-default login, "
                    + "or GOOGLE_APPLICATION_CREDENTIALS";
            case "obs" -> "check the endpoint, the bucket name and SLUICE_STORAGE_OBS_ACCESS_KEY / SLUICE_STORAGE_OBS_SECRET_KEY";
            default -> "check that the folder can be written";
        };
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        // one line: some clients put the server's message and their own on separate lines
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static List<Item> items(Path root, URI prefix) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> !hidden(root.relativize(p)))
                    .filter(p -> !root.relativize(p).toString().equals(MARKER))
                    .sorted()
                    .toList();
        }
        List<Item> items = new ArrayList<>(files.size());
        for (Path file : files) {
            String key = key(root.relativize(file));
            items.add(new Item(file, key, ObjectKeys.resolve(prefix, key), Files.size(file)));
        }
        return items;
    }

    /** The object key of a relative path: its names joined with '/' (a name with a '\' or a control character is refused later). */
    static String key(Path relative) {
        StringBuilder key = new StringBuilder();
        for (Path part : relative) {
            if (!key.isEmpty()) {
                key.append('/');
            }
            key.append(part);
        }
        return key.toString();
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Progress on stderr for uploads of 20 files or more, with throughput: a line rewritten a few times a
     * second on a terminal, otherwise a line every 10 % and at least every 30 s. Thread-safe.
     */
    static final class Progress {
        private final CliContext context;
        private final int total;
        private final long totalBytes;
        private final boolean terminal = System.console() != null;
        private final long started = System.nanoTime();
        private int count;
        private long bytes;
        private int lastTenth;
        private long lastPrinted = System.nanoTime();

        Progress(CliContext context, int total, long totalBytes) {
            this.context = context;
            this.total = total;
            this.totalBytes = totalBytes;
        }

        synchronized void done(long size) {
            count++;
            bytes += size;
            if (total < 20) {
                return;
            }
            int tenth = count * 10 / total;
            long now = System.nanoTime();
            if (terminal) {
                if (now - lastPrinted > 250_000_000L || count == total) {
                    context.err().printf(Locale.ROOT, "\r%d/%d files, %s of %s, %s   ", count, total, size(bytes), size(totalBytes), rate());
                    lastPrinted = now;
                }
            } else if (tenth > lastTenth || now - lastPrinted > 30_000_000_000L && count < total) {
                // every 10 %, and at least every 30 s of a long upload
                context.err().printf(Locale.ROOT, "uploaded %d/%d files (%d%%), %s, %s%n", count, total, count * 100 / total, size(bytes),
                        rate());
                lastPrinted = now;
            }
            lastTenth = tenth;
            context.err().flush();
        }

        synchronized int count() {
            return count;
        }

        /** Files and bytes per second so far. */
        synchronized String rate() {
            double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
            return String.format(Locale.ROOT, "%.1f s, %.0f files/s, %s/s", seconds, count / seconds, size((long) (bytes / seconds)));
        }

        /** Ends the rewritten terminal line. */
        synchronized void finish() {
            if (terminal && total >= 20) {
                context.err().println();
                context.err().flush();
            }
        }

        synchronized void abort() {
            finish();
        }

        static String size(long bytes) {
            if (bytes < 1024) {
                return bytes + " B";
            }
            if (bytes < 1024 * 1024) {
                return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
            }
            if (bytes < 1024L * 1024 * 1024) {
                return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
            }
            return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
        }
    }
}
