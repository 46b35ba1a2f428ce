package io.sluice.console.cli.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import io.sluice.console.cli.SluiceCli;
import io.sluice.platform.storage.obs.S3MockForTests;

/**
 * Benchmark (not a test): {@code sluice upload} of an image folder to an {@code obs://} bucket on a local S3-compatible
 * server (S3Mock, in its own JVM) through the real OBS SDK, one file at a time against 4, 8 and 16 at a time. Prints
 * files/s and the speed-up over one at a time, measured in the same run. Arguments: files (default 200), KiB per file
 * (default 16), rounds (default 2; the best round counts, after a warm-up upload).
 */
public final class UploadBench {

    private UploadBench() {}

    public static void main(String[] args) throws Exception {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "io/sluice/console/cli/logback-cli.xml"); // as the CLI logs
        }
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int kib = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        Path work = Files.createTempDirectory("sluice-upload-bench");
        Path source = Files.createDirectories(work.resolve("src"));
        Random random = new Random(42);
        for (int i = 0; i < files; i++) {
            byte[] content = new byte[kib * 1024];
            random.nextBytes(content);
            Path file = source.resolve("class " + (i % 10) + "/img " + i + ".png");
            Files.createDirectories(file.getParent());
            Files.write(file, content);
        }
        exposeS3MockJar();
        try (S3MockForTests s3 = S3MockForTests.start(work, "bench-raw")) {
            Map<String, String> env = Map.of("SLUICE_BUCKETS_RAW_DATA", "obs://bench-raw/", "SLUICE_STORAGE_OBS_ENDPOINT", s3.endpoint(),
                    "SLUICE_STORAGE_OBS_ACCESS_KEY", "bench-ak", "SLUICE_STORAGE_OBS_SECRET_KEY", "bench-sk",
                    "SLUICE_STORAGE_OBS_PATH_STYLE", "true", "SLUICE_STORAGE_OBS_AUTH_TYPE", "V4");
            upload(env, source, "warm-up", 8); // JIT of both JVMs
            int[] parallelism = {1, 4, 8, 16};
            double[] best = new double[parallelism.length];
            for (int round = 0; round < rounds; round++) {
                for (int p = 0; p < parallelism.length; p++) {
                    best[p] = Math.max(best[p], files / upload(env, source, "r" + round + "-j" + parallelism[p], parallelism[p]));
                }
            }
            System.out.printf(Locale.ROOT, "sluice upload of %d files of %d KiB to obs:// on S3Mock (best of %d rounds, %d cores)%n",
                    files, kib, rounds, Runtime.getRuntime().availableProcessors());
            List<String> lines = new ArrayList<>();
            for (int p = 0; p < parallelism.length; p++) {
                lines.add(String.format(Locale.ROOT, "  --parallel %-2d %8.0f files/s  %5.2fx of --parallel 1", parallelism[p], best[p],
                        best[p] / best[0]));
            }
            lines.forEach(System.out::println);
        }
    }

    /** Under exec:java the test classpath is a class loader's, not java.class.path, where the S3Mock launcher looks for its jar. */
    private static void exposeS3MockJar() {
        String classPath = System.getProperty("java.class.path", "");
        if (classPath.contains("s3mock")) {
            return;
        }
        String jar = null;
        if (Thread.currentThread().getContextClassLoader() instanceof java.net.URLClassLoader loader) {
            for (java.net.URL url : loader.getURLs()) {
                if (url.getPath().contains("s3mock") && url.getPath().endsWith("-exec.jar")) {
                    jar = Path.of(java.net.URI.create(url.toString())).toString();
                }
            }
        }
        if (jar == null) {
            jar = Path.of(System.getProperty("user.home"), ".m2/repository/com/adobe/testing/s3mock/5.2.0/s3mock-5.2.0-exec.jar").toString();
        }
        System.setProperty("java.class.path", classPath + java.io.File.pathSeparator + jar);
    }

    /** Seconds for one upload. */
    private static double upload(Map<String, String> env, Path source, String dataset, int parallel) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int code = SluiceCli.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env,
                "upload", source.toString(), "-d", dataset, "--parallel", String.valueOf(parallel));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (code != 0) {
            throw new IllegalStateException("upload failed: " + err.toString(StandardCharsets.UTF_8));
        }
        return seconds;
    }
}
