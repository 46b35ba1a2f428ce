package io.sluice.platform.storage.obs;

import java.nio.file.Path;

/**
 * The console's door to platform's package-private {@code S3MockServer} (platform test-jar): the same
 * S3-compatible fake, in its own JVM, that platform's OBS store tests use.
 */
public final class S3MockForTests implements AutoCloseable {

    private final S3MockServer server;

    private S3MockForTests(S3MockServer server) {
        this.server = server;
    }

    /** Starts the server on a free port with the given buckets. */
    public static S3MockForTests start(Path workDir, String... buckets) throws Exception {
        return new S3MockForTests(S3MockServer.start(workDir, buckets));
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String endpoint() {
        return server.endpoint();
    }

    @Override
    public void close() {
        server.close();
    }
}
