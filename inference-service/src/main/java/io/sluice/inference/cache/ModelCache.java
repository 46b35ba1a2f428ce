package io.sluice.inference.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import io.sluice.inference.domain.ModelLoader;
import io.sluice.inference.domain.Route;
import io.sluice.inference.domain.ServedModel;

/**
 * Caps the folder verified artifacts are cached in ({@code <dir>/<model>/<version>/}): a {@link ModelLoader} that
 * loads through another and then, while the folder holds more than {@code maxBytes}, deletes the least recently
 * used version's folder — never one the host holds (every version the routing table names, whatever its role or
 * weight: stable, canary, shadow; and those kept loaded for a rollback). The stable version of a canary release is
 * named by the table, so it stays cached and loaded; a rollback never waits for a fetch. A version evicted here is
 * fetched again from the models bucket should the table name it later. The folder stays over the cap only while the
 * held versions alone exceed it. Recency is this process's last load of a version, else its folder's modification time.
 */
public final class ModelCache implements ModelLoader {

    private static final Logger LOG = Logger.getLogger(ModelCache.class.getName());

    private final ModelLoader loader;
    private final Path dir;
    private final long maxBytes;
    private final Supplier<Set<String>> held;
    private final Clock clock;
    private final Map<String, Instant> lastUsed = new ConcurrentHashMap<>();

    /**
     * @param loader   the loader that fills the cache (DJL's, through the shared {@code ModelPackage})
     * @param dir      the cache folder
     * @param maxBytes the cap; 0 for none
     * @param held     versions that must stay, as {@link #key} values, asked on every trim
     */
    public ModelCache(ModelLoader loader, Path dir, long maxBytes, Supplier<Set<String>> held, Clock clock) {
        this.loader = loader;
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.held = held;
        this.clock = clock;
    }

    /** How a version is named to the cache: {@code <model>/<version>}, its folder under the cache. */
    public static String key(String model, String version) {
        return model + "/" + version;
    }

    @Override
    public ServedModel load(String model, Route route) throws Exception {
        try {
            return loader.load(model, route);
        } finally {
            lastUsed.put(key(model, route.version()), clock.instant());
            try {
                trim();
            } catch (IOException | UncheckedIOException e) {
                LOG.log(Level.WARNING, "could not trim the model cache " + dir + ": " + e.getMessage());
            }
        }
    }

    /** A version's folder, its size and when it was last used. */
    private record Cached(String key, Path folder, long bytes, Instant used) {}

    /** Evicts least-recently-used versions nothing holds until the folder fits the cap; returns their keys, oldest first. */
    public synchronized List<String> trim() throws IOException {
        if (maxBytes <= 0 || !Files.isDirectory(dir)) {
            return List.of();
        }
        List<Cached> cached = cached();
        long total = cached.stream().mapToLong(Cached::bytes).sum();
        if (total <= maxBytes) {
            return List.of();
        }
        Set<String> keep = held.get();
        List<String> evicted = new ArrayList<>();
        for (Cached version : cached.stream().sorted(Comparator.comparing(Cached::used)).toList()) {
            if (total <= maxBytes) {
                break;
            }
            if (keep.contains(version.key())) {
                continue;
            }
            delete(version.folder());
            lastUsed.remove(version.key());
            total -= version.bytes();
            evicted.add(version.key());
            LOG.info(() -> "evicted " + version.key() + " (" + version.bytes() + " bytes) from the model cache; it is over "
                    + maxBytes + " bytes");
        }
        if (total > maxBytes) {
            long over = total;
            LOG.warning(() -> "the model cache holds " + over + " bytes, over its cap of " + maxBytes
                    + ", in versions the routing table names: raise sluice.inference.cache.max-bytes");
        }
        return evicted;
    }

    private List<Cached> cached() throws IOException {
        List<Cached> cached = new ArrayList<>();
        try (Stream<Path> models = Files.list(dir)) {
            for (Path model : models.filter(Files::isDirectory).toList()) {
                try (Stream<Path> versions = Files.list(model)) {
                    for (Path version : versions.filter(Files::isDirectory).toList()) {
                        String key = key(model.getFileName().toString(), version.getFileName().toString());
                        Instant used = lastUsed.getOrDefault(key, Files.getLastModifiedTime(version).toInstant());
                        cached.add(new Cached(key, version, size(version), used));
                    }
                }
            }
        }
        return cached;
    }

    private static long size(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException gone) {
                    return 0;
                }
            }).sum();
        }
    }

    private static void delete(Path folder) throws IOException {
        Files.walkFileTree(folder, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                try {
                    Files.deleteIfExists(directory);
                } catch (java.nio.file.DirectoryNotEmptyException refilled) {
                    // a fetch of the same version started meanwhile; its files stay
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
    }
}
