package io.sluice.inference.grpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.grpc.BindableService;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The gRPC server, started and stopped with the application context: on stop it takes no new calls and lets the calls
 * in flight finish for up to the grace period, then cancels the rest.
 */
public final class GrpcServer implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(GrpcServer.class);

    private final int port;
    private final int maxMessageBytes;
    private final Duration grace;
    private final BindableService service;
    private final ServerInterceptor guard;
    private volatile Server server;

    GrpcServer(int port, int maxMessageBytes, Duration grace, BindableService service, ServerInterceptor guard) {
        this.port = port;
        this.maxMessageBytes = maxMessageBytes;
        this.grace = grace;
        this.service = service;
        this.guard = guard;
    }

    @Override
    public synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            server = Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create())
                    .addService(ServerInterceptors.intercept(service, guard))
                    .maxInboundMessageSize(maxMessageBytes) // larger: RESOURCE_EXHAUSTED, as REST's 413
                    .build().start();
        } catch (IOException e) {
            throw new UncheckedIOException("the gRPC server cannot listen on port " + port, e);
        }
        LOG.info("KServe v2 gRPC on port {}", server.getPort());
    }

    @Override
    public synchronized void stop() {
        Server running = server;
        if (running == null) {
            return;
        }
        running.shutdown();
        try {
            if (!running.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("gRPC calls still running after {}: cancelled", grace);
                running.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.shutdownNow();
        }
        server = null;
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** The port it listens on (the one chosen when configured as 0); -1 when it is not running. */
    public int port() {
        Server running = server;
        return running == null ? -1 : running.getPort();
    }
}
