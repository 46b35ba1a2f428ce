package io.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The options of {@code ./sluice up}: port offset and per-service settings. */
class LocalStackOptionsTests {

    @Test
    void keepsTheDesignPortsAndNoExtraSettingsByDefault() {
        UpOptions options = UpOptions.parse(new String[] {"up"});

        assertThat(options.portOffset()).isZero();
        assertThat(options.argsOf("training-service")).isEmpty();
        assertThat(Service.named("console").healthUrl(options.portOffset())).isEqualTo("http://localhost:8080/actuator/health");
    }

    @Test
    void passesSettingsToOneServiceOrToAllAndShiftsThePorts() {
        UpOptions options = UpOptions.parse(new String[] {"up", "--port-offset", "1000",
                "--set", "training-service:sluice.training.defaults.max-epochs=3", "--set", "*:logging.level.root=WARN",
                "--set", "deployment-service:sluice.deployment.steps=50,100"});

        assertThat(options.argsOf("training-service")).containsExactly("--logging.level.root=WARN", "--sluice.training.defaults.max-epochs=3");
        assertThat(options.argsOf("deployment-service")).containsExactly("--logging.level.root=WARN", "--sluice.deployment.steps=50,100");
        assertThat(options.argsOf("console")).containsExactly("--logging.level.root=WARN");
        assertThat(Service.named("inference-service").port(options.portOffset())).isEqualTo(9082);
    }

    @Test
    void runsABrokerClusterAndReplicasOnTheirOwnPorts() {
        UpOptions options = UpOptions.parse(new String[] {"up", "--brokers", "3", "--replicas", "2", "--only", "console,ingest-service"});

        assertThat(options.brokers()).isEqualTo(3);
        assertThat(options.services()).extracting(Service::module).containsExactly("console", "ingest-service");
        Service ingest = Service.named("ingest-service");
        assertThat(ingest.port(0, 1)).isEqualTo(8081);
        assertThat(ingest.port(0, 2)).isEqualTo(8181);
        assertThat(ingest.instance(2)).isEqualTo("ingest-service-2");
        assertThat(KafkaCluster.of(java.nio.file.Path.of("/data"), 9092, 3).bootstrapServers())
                .isEqualTo("localhost:9092,localhost:9094,localhost:9096");
        assertThatThrownBy(() -> UpOptions.parse(new String[] {"up", "--only", "ingest"}))
                .isInstanceOf(UpOptions.UsageException.class).hasMessageContaining("no service ingest");
        assertThatThrownBy(() -> UpOptions.parse(new String[] {"up", "--replicas", "0"}))
                .isInstanceOf(UpOptions.UsageException.class).hasMessageContaining("--replicas takes 1 to 9");
    }

    @Test
    void runsInRegistryModeOnlyWhenAskedWithTheRegistryBesideTheServicesPorts() {
        assertThat(UpOptions.parse(new String[] {"up"}).registry()).isFalse();
        UpOptions options = UpOptions.parse(new String[] {"up", "--registry", "--port-offset", "300"});

        assertThat(options.registry()).isTrue();
        assertThat(new SchemaRegistryServer(null, null, SchemaRegistryServer.PORT + options.portOffset(), null).api())
                .isEqualTo("http://localhost:8387/apis/ccompat/v7");
        assertThat(Service.ALL).noneMatch(service -> service.port(0) == SchemaRegistryServer.PORT);
    }

    @Test
    void findsAJavaNewEnoughForTheRegistryOrSaysThereIsNone(@org.junit.jupiter.api.io.TempDir java.nio.file.Path jdks) throws Exception {
        java.nio.file.Path old = java.nio.file.Files.createDirectories(jdks.resolve("jdk-17/bin"));
        java.nio.file.Files.writeString(jdks.resolve("jdk-17/release"), "JAVA_VERSION=\"17.0.2\"\n");
        java.nio.file.Path recent = java.nio.file.Files.createDirectories(jdks.resolve("jdk-25/bin"));
        java.nio.file.Files.writeString(jdks.resolve("jdk-25/release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"25.0.1\"\n");
        for (java.nio.file.Path bin : List.of(old, recent)) {
            java.nio.file.Files.createFile(bin.resolve("java")).toFile().setExecutable(true);
        }

        assertThat(SchemaRegistryServer.feature(jdks.resolve("jdk-17"))).isEqualTo(17);
        assertThat(SchemaRegistryServer.feature(jdks.resolve("jdk-25"))).isEqualTo(25);
        assertThat(SchemaRegistryServer.findJava(java.util.Map.of("SLUICE_REGISTRY_JAVA_HOME", jdks.resolve("jdk-25").toString())))
                .contains(recent.resolve("java"));
    }

    @Test
    void refusesASettingWithoutServiceOrValue() {
        for (String bad : List.of("sluice.x=1", "training-service:sluice.x", ":a=b")) {
            assertThatThrownBy(() -> UpOptions.parse(new String[] {"up", "--set", bad}))
                    .isInstanceOf(UpOptions.UsageException.class).hasMessageContaining("SERVICE:property=value");
        }
    }
}
