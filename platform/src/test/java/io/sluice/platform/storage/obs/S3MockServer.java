package io.sluice.platform.storage.obs;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Runs the S3Mock server (an S3-compatible fake, from its executable jar on the test classpath) in
 * its own JVM on a free port, with {@link EncodedSlashDecoding} on its loader path.
 */
final class S3MockServer implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private S3MockServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static S3MockServer start(Path workDir, String... buckets) throws Exception {
        String jar = Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(p -> p.contains("s3mock") && p.endsWith("-exec.jar")).findFirst()
                .orElseThrow(() -> new IllegalStateException("s3mock exec jar is not on the test classpath"));
        Path loaderPath = Files.createDirectories(workDir.resolve("loader"));
        String classFile = EncodedSlashDecoding.class.getName().replace('.', '/') + ".class";
        try (InputStream in = EncodedSlashDecoding.class.getClassLoader().getResourceAsStream(classFile)) {
            Path target = loaderPath.resolve(classFile);
            Files.createDirectories(target.getParent());
            Files.write(target, in.readAllBytes());
        }
        Path imports = loaderPath.resolve("META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports");
        Files.createDirectories(imports.getParent());
        Files.writeString(imports, EncodedSlashDecoding.class.getName() + "\n", StandardCharsets.UTF_8);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = workDir.resolve("s3mock.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dloader.path=" + loaderPath,
                "-cp", jar, "org.springframework.boot.loader.launch.PropertiesLauncher",
                "--server.port=0", "--http.port=" + port, "--com.adobe.testing.s3mock.http-port=" + port,
                "--com.adobe.testing.s3mock.store.root=" + workDir.resolve("store"),
                "--com.adobe.testing.s3mock.store.initial-buckets=" + String.join(",", buckets),
                "--spring.main.banner-mode=off"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        S3MockServer server = new S3MockServer(process, port, log);
        server.awaitPort(Duration.ofSeconds(90));
        return server;
    }

    private void awaitPort(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Mock exited: " + tail());
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        close();
        throw new IllegalStateException("S3Mock did not listen on " + port + " in " + timeout + ": " + tail());
    }

    String tail() throws IOException {
        String text = Files.exists(log) ? Files.readString(log) : "";
        return text.length() > 3000 ? text.substring(text.length() - 3000) : text;
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
