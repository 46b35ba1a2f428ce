package com.google.cloud.storage.contrib.nio.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.google.api.services.storage.model.Bucket;
import com.google.cloud.storage.StorageOptions;
import com.google.cloud.storage.spi.v1.StorageRpc;

/**
 * LocalStorageHelper's fake, extended by the one thing it lacks for lifecycle rules: it keeps each bucket's metadata.
 * A bucket {@code PATCH} sets the fields it carries (as Cloud Storage does) and a bucket {@code GET} returns what was
 * set; buckets stay implicit, as in the fake (one that was never patched reads as a bare bucket of that name).
 * Objects are the fake's own.
 */
public final class BucketKeepingStorageRpc extends FakeStorageRpc {

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private BucketKeepingStorageRpc() {
        super(true);
    }

    /** Options of a client talking to a fresh fake of this kind. */
    public static StorageOptions options() {
        return StorageOptions.newBuilder().setProjectId("fake-project-for-testing")
                .setServiceRpcFactory(new LocalStorageHelper.FakeStorageRpcFactory(new BucketKeepingStorageRpc())).build();
    }

    @Override
    public Bucket get(Bucket bucket, Map<StorageRpc.Option, ?> options) {
        return buckets.getOrDefault(bucket.getName(), new Bucket().setName(bucket.getName()));
    }

    @Override
    public Bucket patch(Bucket bucket, Map<StorageRpc.Option, ?> options) {
        return buckets.compute(bucket.getName(), (name, current) -> {
            Bucket merged = new Bucket().setName(name);
            if (current != null) {
                current.forEach(merged::set);
            }
            bucket.forEach((field, value) -> {
                if (value != null) {
                    merged.set(field, value);
                }
            });
            if (bucket.getLifecycle() != null && bucket.getLifecycle().getRule() == null) {
                merged.setLifecycle(null); // a PATCH with an empty lifecycle removes every rule
            }
            return merged;
        });
    }
}
