package io.sluice.ingest.domain;

import java.util.Objects;

/**
 * The one internal fact every storage notification is normalised into: something happened to an
 * object in a bucket.
 *
 * @param source   where it came from (gcs, s3, obs, cloudevents, folder, kafka:…), for logs
 * @param kind     stored (created or overwritten), removed, or anything else (metadata updates)
 * @param bucket   bucket name as the provider names it (for a local bucket: the folder's name)
 * @param key      object key, decoded (never URL-encoded), relative to the bucket
 * @param size     bytes, or -1 when the notification does not say
 * @param checksum provider checksum (md5, ETag), or null
 */
public record ObjectEvent(String source, Kind kind, String bucket, String key, long size, String checksum) {

    /** What happened to the object. */
    public enum Kind { STORED, REMOVED, OTHER }

    public ObjectEvent {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
    }

    public static ObjectEvent stored(String source, String bucket, String key, long size, String checksum) {
        return new ObjectEvent(source, Kind.STORED, bucket, key, size, checksum);
    }
}
