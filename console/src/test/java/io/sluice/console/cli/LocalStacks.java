package io.sluice.console.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.sluice.platform.local.LocalStackFile;

/** Stack files as {@code ./sluice up} writes them, for tests: one of a running stack (this JVM) or a stale one. */
final class LocalStacks {

    private LocalStacks() {
    }

    /** A stack file naming this test JVM as its launcher, so it reads as running. */
    static LocalStackFile running(Path dataDir, String kafka, int portOffset) throws IOException {
        Files.createDirectories(dataDir);
        LocalStackFile file = new LocalStackFile(ProcessHandle.current().pid(), LocalStackFile.currentProcessStart(),
                dataDir.toAbsolutePath(), kafka, portOffset,
                Map.of("deployment-service", "http://localhost:" + (8083 + portOffset), "inference-service", "http://localhost:" + (8082 + portOffset)),
                List.of(new LocalStackFile.Process("kafka-1", "kafka", 1, 0, 9092, "UP", 0, null),
                        new LocalStackFile.Process("ingest-service", "ingest-service", 1, 0, 8081 + portOffset, "UP", 0, null),
                        new LocalStackFile.Process("ingest-service-2", "ingest-service", 2, 0, 8181 + portOffset, "UP", 1, 137)),
                Instant.now());
        file.write();
        return file;
    }

    /** A stack file left by a launcher that has exited (a process that ran and ended). */
    static LocalStackFile stale(Path dataDir) throws IOException, InterruptedException {
        Process gone = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        gone.waitFor();
        Files.createDirectories(dataDir);
        LocalStackFile file = new LocalStackFile(gone.pid(), Instant.now(), dataDir.toAbsolutePath(), "localhost:9092", 0,
                Map.of(), List.of(), Instant.now());
        file.write();
        return file;
    }

    /** The pointer {@code ./sluice up} leaves in the user's home. */
    static void pointTo(Path home, Path dataDir) throws IOException {
        Path pointer = LocalStackFile.pointer(home);
        Files.createDirectories(pointer.getParent());
        Files.writeString(pointer, dataDir.toAbsolutePath() + "\n");
    }
}
