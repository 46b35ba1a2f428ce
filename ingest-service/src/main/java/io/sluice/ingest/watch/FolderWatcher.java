package io.sluice.ingest.watch;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sluice.ingest.domain.ObjectEvent;
import io.sluice.platform.security.LogSafe;

/**
 * Watches a local bucket's folder tree and reports every file that appears or changes as an
 * {@link ObjectEvent} — whether it was moved into place atomically ({@code FileObjectStore.put})
 * or written in place ({@code cp}). New folders are watched as they appear and scanned once, so
 * files created before the watch took hold are not missed; on overflow the whole tree is rescanned.
 */
public final class FolderWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FolderWatcher.class);

    private final Path bucketDir;
    private final String bucketName;
    private final Consumer<ObjectEvent> sink;
    private final Map<WatchKey, Path> watched = new HashMap<>();
    private WatchService watcher;
    private Thread thread;

    /**
     * @param bucketDir  the bucket's folder (object keys are relative to it)
     * @param bucketName the bucket name events carry
     * @param sink       receives each event, on the watcher's thread
     */
    public FolderWatcher(Path bucketDir, String bucketName, Consumer<ObjectEvent> sink) {
        this.bucketDir = bucketDir.toAbsolutePath().normalize();
        this.bucketName = bucketName;
        this.sink = sink;
    }

    /** Starts watching {@code <bucket>/<folder>} (created when missing). */
    public synchronized void start(String folder) throws IOException {
        Path root = Files.createDirectories(bucketDir.resolve(folder));
        watcher = root.getFileSystem().newWatchService();
        registerTree(root, false);
        thread = new Thread(this::loop, "folder-watcher");
        thread.setDaemon(true);
        thread.start();
        log.info("watching {} for new dataset files", root);
    }

    private void loop() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                WatchKey key = watcher.take();
                Path dir = watched.get(key);
                for (WatchEvent<?> event : key.pollEvents()) {
                    try {
                        handle(dir, event);
                    } catch (RuntimeException e) {
                        log.warn("folder watcher could not handle {} in {}: {}", event.kind(), LogSafe.text(dir), LogSafe.text(e));
                    }
                }
                if (!key.reset()) {
                    watched.remove(key);
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    private void handle(Path dir, WatchEvent<?> event) {
        if (event.kind() == OVERFLOW || dir == null) {
            log.warn("folder watcher overflowed; rescanning {}", bucketDir);
            registerTree(bucketDir.resolve("datasets"), true);
            return;
        }
        Path path = dir.resolve((Path) event.context());
        if (event.kind() == ENTRY_DELETE) {
            emit(path, ObjectEvent.Kind.REMOVED, -1);
        } else if (Files.isDirectory(path)) {
            if (event.kind() == ENTRY_CREATE) {
                registerTree(path, true);
            }
        } else if (Files.isRegularFile(path)) {
            emit(path, ObjectEvent.Kind.STORED, size(path));
        }
    }

    /** Watches every folder under {@code start}; when {@code report}, reports the files already there. */
    private void registerTree(Path start, boolean report) {
        try (Stream<Path> paths = Files.walk(start)) {
            paths.forEach(path -> {
                try {
                    if (Files.isDirectory(path)) {
                        watched.put(path.register(watcher, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE), path);
                    } else if (report && Files.isRegularFile(path)) {
                        emit(path, ObjectEvent.Kind.STORED, size(path));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            log.warn("folder watcher could not walk {}: {}", LogSafe.text(start), LogSafe.text(e));
        }
    }

    private void emit(Path file, ObjectEvent.Kind kind, long size) {
        String key = bucketDir.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
        sink.accept(new ObjectEvent("folder", kind, bucketName, key, size, null));
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (thread != null) {
            thread.interrupt();
        }
        if (watcher != null) {
            watcher.close();
        }
    }
}
