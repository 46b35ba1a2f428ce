package io.sluice.platform.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/** Dispatches each URI to the store of its scheme; the one {@link ObjectStore} services inject. */
public final class ObjectStores implements ObjectStore {

    private final Map<String, ObjectStore> byScheme = new LinkedHashMap<>();

    public ObjectStores(List<? extends ObjectStoreAdapter> stores) {
        for (ObjectStoreAdapter store : stores) {
            for (String scheme : store.schemes()) {
                if (byScheme.putIfAbsent(scheme, store) != null) {
                    throw new IllegalArgumentException("two object stores serve the scheme " + scheme);
                }
            }
        }
    }

    private ObjectStore storeFor(URI uri) {
        ObjectStore store = uri.getScheme() == null ? null : byScheme.get(uri.getScheme());
        if (store == null) {
            throw new IllegalArgumentException("no object store for '" + uri.getScheme() + ":' URIs (" + uri
                    + "); configured schemes: " + byScheme.keySet());
        }
        return store;
    }

    @Override
    public Set<String> schemes() {
        return Set.copyOf(byScheme.keySet());
    }

    @Override
    public Stream<StoredObject> list(URI prefix) throws IOException {
        return storeFor(prefix).list(prefix);
    }

    @Override
    public Optional<StoredObject> stat(URI object) throws IOException {
        return storeFor(object).stat(object);
    }

    @Override
    public InputStream open(URI object) throws IOException {
        return storeFor(object).open(object);
    }

    @Override
    public void put(URI object, Path source) throws IOException {
        storeFor(object).put(object, source);
    }

    @Override
    public void put(URI object, byte[] content) throws IOException {
        storeFor(object).put(object, content);
    }

    @Override
    public boolean createIfAbsent(URI object, byte[] content) throws IOException {
        return storeFor(object).createIfAbsent(object, content);
    }

    @Override
    public boolean delete(URI object) throws IOException {
        return storeFor(object).delete(object);
    }
}
