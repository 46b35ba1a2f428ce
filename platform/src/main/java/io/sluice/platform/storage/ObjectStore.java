package io.sluice.platform.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where datasets and model artifacts live; the URI scheme picks the adapter ({@code file:} by
 * default, {@code gs:}, {@code obs:}). Object URIs are {@code scheme://bucket/key} for cloud
 * stores and absolute {@code file:} URIs for a local bucket (a folder). Build object URIs from a
 * bucket or prefix with {@link ObjectKeys#resolve}, never by string concatenation.
 */
public interface ObjectStore {

    /** URI schemes this store serves, e.g. {@code file}. */
    java.util.Set<String> schemes();

    /** Objects under a prefix, recursively, in key order. The stream must be closed. */
    Stream<StoredObject> list(URI prefix) throws IOException;

    /** The object's metadata, or empty when it does not exist. */
    Optional<StoredObject> stat(URI object) throws IOException;

    /** Opens the object for reading; throws {@link java.io.FileNotFoundException} when absent. */
    InputStream open(URI object) throws IOException;

    /** Writes (or replaces) the object with a file's content; readers never see a partial object. */
    void put(URI object, Path source) throws IOException;

    /** Writes (or replaces) the object with the given bytes; readers never see a partial object. */
    void put(URI object, byte[] content) throws IOException;

    /** Deletes the object; false when it did not exist. */
    boolean delete(URI object) throws IOException;

    /** Reads a whole (small) object. */
    default byte[] read(URI object) throws IOException {
        try (InputStream in = open(object)) {
            return in.readAllBytes();
        }
    }
}
