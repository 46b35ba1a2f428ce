package io.sluice.containers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * One Sluice service from its image, on the test network with the broker, its data folder (local buckets,
 * training journal and checkpoints, DJL's unpacked natives) a host folder shared by every service container.
 */
final class ServiceContainer extends GenericContainer<ServiceContainer> {

    /** The ports of application.yaml. */
    static final Map<String, Integer> PORTS = Map.of("console", 8080, "ingest-service", 8081, "inference-service", 8082,
            "deployment-service", 8083, "training-service", 8084, "evaluation-service", 8085, "monitoring-service", 8086);

    final String module;

    ServiceContainer(String module, Network network, Path dataDir) {
        super(Images.service(module));
        this.module = module;
        int port = PORTS.get(module);
        withNetwork(network).withNetworkAliases(module)
                .withExposedPorts(port)
                .withFileSystemBind(dataDir.toString(), "/data", BindMode.READ_WRITE)
                .withEnv("SLUICE_KAFKA", KafkaBroker.INTERNAL)
                .withEnv("DJL_CACHE_DIR", "/data/djl")
                // as the local stack: C1 only, so several JVMs start quickly on a small machine
                .withEnv("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx1g "
                        + "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.sluice.events -Dai.djl.offline=true")
                .waitingFor(Wait.forHttp("/actuator/health/readiness").forPort(port).forStatusCode(200)
                        .withStartupTimeout(Duration.ofMinutes(5)));
        long uid = new com.sun.security.auth.module.UnixSystem().getUid();
        long gid = new com.sun.security.auth.module.UnixSystem().getGid();
        if (uid != 0) {
            // files the service writes into the shared folder stay the test user's (removable after the test)
            withCreateContainerCmdModifier(cmd -> cmd.withUser(uid + ":" + gid));
        }
    }
}
