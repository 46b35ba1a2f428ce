package io.sluice.platform.storage;

import java.io.IOException;
import java.net.URI;
import java.util.List;

/**
 * A store whose buckets delete old objects themselves (GCS and OBS lifecycle configuration). Local
 * folders have none: there the retention sweeper deletes ({@code storage.retention.RetentionSweeper}).
 */
public interface BucketLifecycle {

    /**
     * Replaces the bucket's lifecycle configuration with these delete rules (Sluice owns the lifecycle of its buckets);
     * an empty list removes every rule.
     *
     * @param bucket the bucket URI ({@code gs://bucket/}, {@code obs://bucket/}); a key part is refused
     */
    void applyLifecycle(URI bucket, List<LifecycleRule> rules) throws IOException;

    /** The delete-by-age rules the bucket has now, as the store reports them. */
    List<LifecycleRule> lifecycle(URI bucket) throws IOException;
}
