package io.sluice.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * A service's executable jar unpacked once into a folder beside it, with Spring Boot's own
 * {@code java -Djarmode=tools -jar app.jar extract}: a JVM loads classes from plain jars on its
 * class path with far less work than from jars nested in the executable one (deployment-service
 * alone: 7.7 s of CPU to start instead of 14.3 s), and seven services start at once on as few as
 * two cores. The folder is extracted again when the jar changes (size or time differ from its
 * stamp); when extraction fails the service runs from the executable jar as before.
 */
final class ServiceImage {

    static final String FOLDER_SUFFIX = "-app";
    private static final String STAMP = ".sluice-stamp";

    private ServiceImage() {
    }

    /** The jar to run: the extracted one, ready now or once the extraction started here has finished. */
    static CompletableFuture<Path> prepare(Path java, Path executableJar) throws IOException {
        Path folder = executableJar.resolveSibling(executableJar.getFileName().toString().replace(".jar", "") + FOLDER_SUFFIX);
        Path extracted = folder.resolve(executableJar.getFileName());
        String stamp = stampOf(executableJar);
        if (Files.isRegularFile(extracted) && stamp.equals(readStamp(folder))) {
            return CompletableFuture.completedFuture(extracted);
        }
        Path temporary = folder.resolveSibling(folder.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        deleteRecursively(temporary);
        Process process = new ProcessBuilder(java.toString(), "-Djarmode=tools", "-jar", executableJar.toString(), "extract",
                "--destination", temporary.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return process.onExit().thenApply(done -> {
            try {
                if (done.exitValue() != 0 || !Files.isRegularFile(temporary.resolve(executableJar.getFileName()))) {
                    throw new IOException("extraction exited with " + done.exitValue());
                }
                Files.writeString(temporary.resolve(STAMP), stamp);
                deleteRecursively(folder);
                Files.move(temporary, folder, StandardCopyOption.ATOMIC_MOVE);
                return extracted;
            } catch (IOException | UncheckedIOException e) {
                if (Files.isRegularFile(extracted) && stamp.equals(readStamp(folder))) {
                    return extracted; // another stack extracted the same jar meanwhile
                }
                System.err.println("sluice: cannot unpack " + executableJar.getFileName() + " (" + e.getMessage()
                        + "); running it from the executable jar, which starts slower");
                return executableJar;
            } finally {
                try {
                    deleteRecursively(temporary);
                } catch (IOException | UncheckedIOException ignored) {
                    // a leftover temporary folder is replaced by the next extraction
                }
            }
        });
    }

    private static String stampOf(Path jar) throws IOException {
        return Files.size(jar) + ":" + Files.getLastModifiedTime(jar).toMillis();
    }

    private static String readStamp(Path folder) {
        try {
            return Files.readString(folder.resolve(STAMP));
        } catch (IOException e) {
            return "";
        }
    }

    private static void deleteRecursively(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
