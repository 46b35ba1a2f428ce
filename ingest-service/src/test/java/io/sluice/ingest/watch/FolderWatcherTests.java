package io.sluice.ingest.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.ingest.domain.ObjectEvent;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.storage.ObjectKeys;

/** The watcher sees files moved into place by FileObjectStore and files written in place, in folders that did not exist yet. */
class FolderWatcherTests {

    @TempDir
    Path root;

    @Test
    void reportsAtomicPutsAndPlainCopiesInNewNestedFolders() throws Exception {
        FileObjectStore store = new FileObjectStore(root);
        URI bucket = store.bucket("raw");
        List<ObjectEvent> events = new CopyOnWriteArrayList<>();
        try (FolderWatcher watcher = new FolderWatcher(Path.of(bucket), "raw", events::add)) {
            watcher.start("datasets/");

            store.put(ObjectKeys.resolve(bucket, "datasets/asl/A/img 001.png"), new byte[] {1, 2, 3});
            Path copied = Files.createDirectories(Path.of(bucket).resolve("datasets/cp/x/y"));
            Files.write(copied.resolve("b.png"), new byte[] {4, 5});
            Files.write(Path.of(bucket).resolve("datasets/cp/_SUCCESS"), new byte[0]);

            await(events, "datasets/asl/A/img 001.png");
            await(events, "datasets/cp/x/y/b.png");
            await(events, "datasets/cp/_SUCCESS");
            assertThat(events).allSatisfy(e -> {
                assertThat(e.bucket()).isEqualTo("raw");
                assertThat(e.source()).isEqualTo("folder");
            });

            Files.delete(copied.resolve("b.png"));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (events.stream().noneMatch(e -> e.kind() == ObjectEvent.Kind.REMOVED)) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(20);
            }
        }
    }

    private static void await(List<ObjectEvent> events, String key) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (events.stream().noneMatch(e -> e.key().equals(key) && e.kind() == ObjectEvent.Kind.STORED)) {
            assertThat(System.nanoTime()).as("no event for " + key + " in " + events).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
