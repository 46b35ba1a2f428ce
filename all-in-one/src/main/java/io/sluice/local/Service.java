package io.sluice.local;

import java.util.List;

/** A Sluice service of the local stack: its module (and jar) name and its HTTP port (DESIGN §7). */
record Service(String module, int port) {

    static final List<Service> ALL = List.of(
            new Service("console", 8080), new Service("ingest-service", 8081), new Service("inference-service", 8082),
            new Service("deployment-service", 8083), new Service("training-service", 8084),
            new Service("evaluation-service", 8085), new Service("monitoring-service", 8086));

    /** The port with the stack's port offset applied (0 in the normal stack). */
    int port(int offset) {
        return port + offset;
    }

    String healthUrl(int offset) {
        return "http://localhost:" + port(offset) + "/actuator/health";
    }

    /** The service of a module. */
    static Service named(String module) {
        return ALL.stream().filter(s -> s.module().equals(module)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service " + module));
    }
}
