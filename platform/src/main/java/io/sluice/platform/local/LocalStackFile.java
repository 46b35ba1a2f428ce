package io.sluice.platform.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * What {@code ./sluice up} writes to {@code <data dir>/stack.json} while it runs, and rewrites when a
 * process it supervises changes state: where Kafka and every service listen, and the launcher's
 * own process, so a reader can tell a running stack from a file left by one that was killed.
 *
 * @param pid          the launcher's process id
 * @param pidStartedAt when that process started (tells a reused pid from ours); null when unknown
 * @param dataDir      the stack's data directory (absolute)
 * @param kafka        bootstrap servers of its Kafka broker(s), {@code host:port,…}
 * @param portOffset   added to every service's default port ({@code --port-offset})
 * @param urls         base URL of each service's first replica, by module name ({@code deployment-service} → {@code http://localhost:8083})
 * @param processes    every process it supervises, brokers first
 * @param updatedAt    when the file was last written
 */
public record LocalStackFile(long pid, Instant pidStartedAt, Path dataDir, String kafka, int portOffset, Map<String, String> urls,
                             List<Process> processes, Instant updatedAt) {

    /** The file's name in the data directory. */
    public static final String FILE_NAME = "stack.json";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public LocalStackFile {
        urls = Map.copyOf(urls);
        processes = List.copyOf(processes);
    }

    /**
     * One supervised process.
     *
     * @param name     {@code kafka-1}, {@code ingest-service}, {@code ingest-service-2}, …
     * @param module   the service module, or {@code kafka}
     * @param replica  1-based replica (broker node id for Kafka)
     * @param pid      its current process id, 0 while it is not running
     * @param port     the port it serves (HTTP for services, the client listener for brokers)
     * @param state    STARTING, UP, RESTARTING, FAILED (given up after repeated failures) or STOPPED
     * @param restarts how often it was restarted after exiting on its own
     * @param lastExit exit code of its last unexpected exit, null when it never exited on its own
     */
    public record Process(String name, String module, int replica, long pid, int port, String state, int restarts, Integer lastExit) {}

    /** The stack file of a data directory. */
    public static Path in(Path dataDir) {
        return dataDir.resolve(FILE_NAME);
    }

    /** The pointer that {@code ./sluice up} writes: a one-line file naming the data directory of the stack started last. */
    public static Path pointer(Path userHome) {
        return userHome.resolve(".sluice").resolve("current");
    }

    /** Reads the stack file of a data directory; empty when there is none or it cannot be read. */
    public static Optional<LocalStackFile> read(Path dataDir) {
        Path file = in(dataDir);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(Files.readString(file, StandardCharsets.UTF_8), LocalStackFile.class));
        } catch (IOException | JacksonException e) {
            return Optional.empty();
        }
    }

    /** Whether the launcher that wrote this file still runs (same pid and, when known, same start time). */
    public boolean running() {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(handle -> pidStartedAt == null || handle.info().startInstant().map(pidStartedAt::equals).orElse(true))
                .isPresent();
    }

    /** Whether this file was written by the current process. */
    public boolean ours() {
        return pid == ProcessHandle.current().pid();
    }

    /** The start time of the current process, for {@link #pidStartedAt}. */
    public static Instant currentProcessStart() {
        return ProcessHandle.current().info().startInstant().orElse(null);
    }

    /** Writes this file into its data directory atomically (a reader never sees half a file). */
    public void write() throws IOException {
        Path file = in(dataDir);
        Path temporary = file.resolveSibling(FILE_NAME + ".tmp-" + ProcessHandle.current().pid());
        Files.writeString(temporary, JSON.writeValueAsString(this), StandardCharsets.UTF_8);
        try {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A copy with other processes and a new time stamp. */
    public LocalStackFile withProcesses(List<Process> now) {
        return new LocalStackFile(pid, pidStartedAt, dataDir, kafka, portOffset, urls, now, Instant.now());
    }
}
