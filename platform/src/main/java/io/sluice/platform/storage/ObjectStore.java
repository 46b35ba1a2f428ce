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

    /**
     * Creates the object with the given bytes only if no object exists at the URI: true when this
     * call created it, false when an object was already there (its content is left untouched). Of
     * any number of concurrent creators, in any number of processes, exactly one gets true — the
     * store decides atomically (GCS {@code ifGenerationMatch=0}, OBS/S3 {@code If-None-Match: *},
     * locally a hard link that fails when the name exists). Readers never see a partial object.
     * A creation that the store confirms only after a retry is recognised by its content, so
     * callers that race put something unique in it (a claim id).
     *
     * @throws UnsupportedOperationException from stores that cannot create atomically (test wrappers)
     */
    default boolean createIfAbsent(URI object, byte[] content) throws IOException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot create objects atomically");
    }

    /** Deletes the object; false when it did not exist. */
    boolean delete(URI object) throws IOException;

    /** Reads a whole (small) object. */
    default byte[] read(URI object) throws IOException {
        try (InputStream in = open(object)) {
            return in.readAllBytes();
        }
    }
}
