package io.sluice.platform.storage;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Local buckets: every bucket is a folder under one root, objects are files. It is the local
 * stack's store and the test fake for the cloud ones. URIs outside the root are refused, so a
 * crafted key cannot reach the rest of the disk. Writes land in {@value #TEMP_FOLDER} first and
 * are moved into place, so readers and folder watchers never see half an object.
 */
public final class FileObjectStore implements ObjectStoreAdapter {

    /** Folder under the root holding writes in progress; never listed. */
    public static final String TEMP_FOLDER = ".sluice-tmp";

    private final Path root;

    public FileObjectStore(Path root) {
        try {
            this.root = Files.createDirectories(root.toAbsolutePath().normalize());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the buckets folder " + root, e);
        }
    }

    /** The folder holding every bucket. */
    public Path root() {
        return root;
    }

    /** The {@code file:} URI of a bucket (with a trailing slash). */
    public URI bucket(String name) {
        ObjectKeys.requireSafe(name);
        if (name.contains("/")) {
            throw new InvalidObjectKeyException(name, "a bucket name has no '/'");
        }
        String uri = root.resolve(name).toUri().toString();
        return URI.create(uri.endsWith("/") ? uri : uri + "/");
    }

    @Override
    public Set<String> schemes() {
        return Set.of("file");
    }

    /** The file behind a URI, refusing anything that is not a plain path under the root. */
    Path pathOf(URI uri) {
        if (!"file".equals(uri.getScheme()) || uri.getRawPath() == null) {
            throw new InvalidObjectKeyException(uri.toString(), "not a file: URI");
        }
        String raw = uri.getPath();
        if (raw.contains("\0") || raw.contains("/../") || raw.endsWith("/..") || raw.contains("/./")) {
            throw new InvalidObjectKeyException(raw, "dot segments are not allowed");
        }
        Path path = Path.of(uri).normalize();
        if (!path.startsWith(root) || path.equals(root) || path.startsWith(root.resolve(TEMP_FOLDER))) {
            throw new InvalidObjectKeyException(raw, "outside the buckets folder " + root);
        }
        return path;
    }

    @Override
    public Stream<StoredObject> list(URI prefix) throws IOException {
        Path start = pathOf(prefix);
        String prefixPath = start.toString() + (prefix.getPath().endsWith("/") ? "/" : "");
        Path walkFrom = prefix.getPath().endsWith("/") ? start : start.getParent();
        if (!Files.isDirectory(walkFrom)) {
            return Stream.empty();
        }
        // a prefix is a string prefix of keys, as in the cloud stores, not only a folder; one walk
        // gives each file's attributes (no second stat) and each key is computed once for the sort.
        // Symbolic links are not followed: a link in a bucket is not an object of it.
        List<Listed> found = new ArrayList<>();
        Files.walkFileTree(walkFrom, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile() && file.toString().startsWith(prefixPath)) {
                    found.add(new Listed(root.relativize(file).toString().replace('\\', '/'), file, attributes));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE; // deleted while we walked
            }
        });
        found.sort(Comparator.comparing(Listed::key));
        return found.stream().map(l -> new StoredObject(l.file().toUri(), l.attributes().size(),
                l.attributes().lastModifiedTime().toInstant(), null));
    }

    private record Listed(String key, Path file, BasicFileAttributes attributes) {}

    private StoredObject describe(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new StoredObject(file.toUri(), attributes.size(), attributes.lastModifiedTime().toInstant(), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<StoredObject> stat(URI object) {
        Path file = pathOf(object);
        return Files.isRegularFile(file) ? Optional.of(describe(file)) : Optional.empty();
    }

    @Override
    public InputStream open(URI object) throws IOException {
        try {
            return Files.newInputStream(pathOf(object));
        } catch (NoSuchFileException e) {
            throw new FileNotFoundException("no object at " + object);
        }
    }

    @Override
    public void put(URI object, Path source) throws IOException {
        Path target = pathOf(object);
        Path temp = tempFile();
        Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING);
        moveIntoPlace(temp, target);
    }

    @Override
    public void put(URI object, byte[] content) throws IOException {
        Path target = pathOf(object);
        Path temp = tempFile();
        Files.write(temp, content);
        moveIntoPlace(temp, target);
    }

    @Override
    public boolean createIfAbsent(URI object, byte[] content) throws IOException {
        Path target = pathOf(object);
        Path temp = tempFile();
        try {
            Files.write(temp, content);
            Files.createDirectories(target.getParent());
            // link(2) gives the complete file its name, or fails when the name exists: atomic
            // between processes, unlike a check then a move (rename replaces silently)
            Files.createLink(target, temp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private Path tempFile() throws IOException {
        return Files.createTempFile(Files.createDirectories(root.resolve(TEMP_FOLDER)), "put-", ".part");
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public boolean delete(URI object) throws IOException {
        return Files.deleteIfExists(pathOf(object));
    }
}
