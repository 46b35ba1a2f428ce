package io.sluice.console.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.storage.InvalidObjectKeyException;
import io.sluice.platform.storage.ObjectKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice upload}: copies a local dataset folder into the raw-data bucket, then writes the {@code _SUCCESS} marker. */
@Command(name = "upload", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Upload a local dataset folder to the raw-data bucket.", "",
                "Copies a folder (an image folder <class>/<file>.png|jpg, or CSVs with a label column) to",
                "<raw-data bucket>/datasets/<name>/ and write the _SUCCESS marker last, which starts the pipeline.",
                "Hidden files and folders (starting with '.') are skipped."})
final class UploadCommand implements Callable<Integer> {

    static final String MARKER = "_SUCCESS";
    private static final String BUCKET = "sluice-local-raw-data";

    private final CliContext context;

    @Parameters(index = "0", paramLabel = "DIR", description = "the folder to upload")
    Path source;

    @Option(names = {"-d", "--dataset"}, required = true, paramLabel = "NAME", description = "dataset name (one key segment, e.g. flowers)")
    String dataset;

    @Option(names = "--bucket", paramLabel = "URI",
            description = "raw-data bucket (default file:$SLUICE_DATA_DIR/buckets/" + BUCKET + "/; only file: buckets from the CLI)")
    URI bucket;

    UploadCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        if (!Files.isDirectory(source)) {
            throw new CliException(source + " is not a folder");
        }
        ObjectKeys.requireSafe(dataset);
        if (dataset.contains("/")) {
            throw new InvalidObjectKeyException(dataset, "a dataset name is one segment, without '/'");
        }
        URI target = bucket == null ? context.dataDir().resolve("buckets").resolve(BUCKET).toAbsolutePath().toUri() : bucket;
        if (!"file".equals(target.getScheme())) {
            throw new CliException("only file: buckets can be written from the CLI (got " + target
                    + "); copy to cloud buckets with gcloud storage / obsutil, then add " + MARKER);
        }
        if (!target.toString().endsWith("/")) {
            target = URI.create(target + "/");
        }
        Path bucketFolder = Path.of(target);
        FileObjectStore store = new FileObjectStore(bucketFolder.getParent());
        URI prefix = ObjectKeys.resolve(store.bucket(bucketFolder.getFileName().toString()), "datasets/" + dataset + "/");

        List<Path> files = files(source);
        if (files.isEmpty()) {
            throw new CliException(source + " holds no files to upload");
        }
        // check every key before copying anything, so a bad name never leaves half a dataset
        List<URI> objects = new ArrayList<>(files.size());
        for (Path file : files) {
            objects.add(ObjectKeys.resolve(prefix, source.relativize(file).toString().replace('\\', '/')));
        }
        Progress progress = new Progress(context, files.size());
        long bytes = 0;
        for (int i = 0; i < files.size(); i++) {
            store.put(objects.get(i), files.get(i));
            bytes += Files.size(files.get(i));
            progress.done(i + 1, bytes);
        }
        store.put(ObjectKeys.resolve(prefix, MARKER), new byte[0]);
        context.out().printf(Locale.ROOT, "uploaded %d file(s), %s, to %s and wrote %s%n", files.size(), Progress.size(bytes), prefix, MARKER);
        return 0;
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !hidden(root.relativize(p)))
                    .filter(p -> !root.relativize(p).toString().equals(MARKER))
                    .sorted()
                    .toList();
        }
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** Progress on stderr for uploads of many files: a rewritten line on a terminal, every 10 % otherwise. */
    private static final class Progress {
        private final CliContext context;
        private final int total;
        private final boolean terminal = System.console() != null;
        private int lastTenth;

        Progress(CliContext context, int total) {
            this.context = context;
            this.total = total;
        }

        void done(int count, long bytes) {
            if (total < 20) {
                return;
            }
            int tenth = count * 10 / total;
            if (terminal) {
                context.err().printf(Locale.ROOT, "\r%d/%d files, %s", count, total, size(bytes));
                if (count == total) {
                    context.err().println();
                }
            } else if (tenth > lastTenth) {
                context.err().printf(Locale.ROOT, "uploaded %d/%d files (%d%%), %s%n", count, total, tenth * 10, size(bytes));
            }
            lastTenth = tenth;
            context.err().flush();
        }

        static String size(long bytes) {
            if (bytes < 1024) {
                return bytes + " B";
            }
            if (bytes < 1024 * 1024) {
                return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
            }
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
        }
    }
}
