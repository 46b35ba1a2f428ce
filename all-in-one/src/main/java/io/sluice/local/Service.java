package io.sluice.local;

import java.util.List;

/** A Sluice service of the local stack: its module (and jar) name and its HTTP port (architecture §7). */
record Service(String module, int port) {

    static final List<Service> ALL = List.of(
            new Service("console", 8080), new Service("ingest-service", 8081), new Service("inference-service", 8082),
            new Service("deployment-service", 8083), new Service("training-service", 8084),
            new Service("evaluation-service", 8085), new Service("monitoring-service", 8086));

    /** The inference-service's KServe v2 gRPC port (its {@code sluice.inference.grpc.port} default), moved as its HTTP port. */
    static final int INFERENCE_GRPC_PORT = 8001;

    /** Ports between one replica and the next: replica r serves on {@code port + offset + 100 (r - 1)}. */
    static final int REPLICA_PORT_STEP = 100;

    /** The port with the stack's port offset applied (0 in the normal stack). */
    int port(int offset) {
        return port + offset;
    }

    /** The port of a replica (1-based). */
    int port(int offset, int replica) {
        return port(offset) + REPLICA_PORT_STEP * (replica - 1);
    }

    /** The name of a replica's process and log: the module for the first, {@code module-r} for the others. */
    String instance(int replica) {
        return replica == 1 ? module : module + "-" + replica;
    }

    String healthUrl(int offset) {
        return healthUrl(offset, 1);
    }

    String healthUrl(int offset, int replica) {
        return "http://localhost:" + port(offset, replica) + "/actuator/health";
    }

    /** The service of a module. */
    static Service named(String module) {
        return ALL.stream().filter(s -> s.module().equals(module)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service " + module));
    }
}
