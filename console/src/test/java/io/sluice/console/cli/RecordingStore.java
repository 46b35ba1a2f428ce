package io.sluice.console.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.sluice.platform.storage.ObjectStoreAdapter;
import io.sluice.platform.storage.StoredObject;

/** A real store that records the order in which objects were written, and can fail the Nth file write (a store going away mid-upload). */
final class RecordingStore implements ObjectStoreAdapter, AutoCloseable {

    private final ObjectStoreAdapter delegate;
    private final int failAtFilePut;
    private final AtomicInteger filePuts = new AtomicInteger();
    final List<URI> written = Collections.synchronizedList(new ArrayList<>());
    volatile boolean closed;

    /** @param failAtFilePut the 1-based file write that throws, or 0 for none */
    RecordingStore(ObjectStoreAdapter delegate, int failAtFilePut) {
        this.delegate = delegate;
        this.failAtFilePut = failAtFilePut;
    }

    @Override
    public Set<String> schemes() {
        return delegate.schemes();
    }

    @Override
    public Stream<StoredObject> list(URI prefix) throws IOException {
        return delegate.list(prefix);
    }

    @Override
    public Optional<StoredObject> stat(URI object) throws IOException {
        return delegate.stat(object);
    }

    @Override
    public InputStream open(URI object) throws IOException {
        return delegate.open(object);
    }

    @Override
    public void put(URI object, Path source) throws IOException {
        if (filePuts.incrementAndGet() == failAtFilePut) {
            throw new IOException("injected: connection reset by the store");
        }
        delegate.put(object, source);
        written.add(object);
    }

    @Override
    public void put(URI object, byte[] content) throws IOException {
        delegate.put(object, content);
        written.add(object);
    }

    @Override
    public boolean delete(URI object) throws IOException {
        return delegate.delete(object);
    }

    @Override
    public void close() throws Exception {
        closed = true;
        if (delegate instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
