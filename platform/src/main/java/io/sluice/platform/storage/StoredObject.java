package io.sluice.platform.storage;

import java.net.URI;
import java.time.Instant;

/**
 * An object as a store lists it.
 *
 * @param uri      full object URI
 * @param size     bytes
 * @param updated  last modification time
 * @param checksum the store's own content checksum (GCS md5/crc32c, OBS/S3 ETag), or null for local files
 */
public record StoredObject(URI uri, long size, Instant updated, String checksum) {}
