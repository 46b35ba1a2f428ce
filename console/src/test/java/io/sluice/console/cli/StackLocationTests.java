package io.sluice.console.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI finds the local stack that runs (SLUICE_DATA_DIR, else the one started last), or says clearly that none runs where it looked. */
class StackLocationTests {

    @TempDir
    Path temp;

    private Path source() throws Exception {
        Path source = Files.createDirectories(temp.resolve("src"));
        Files.writeString(source.resolve("a.csv"), "x,label\n1,a\n");
        return source;
    }

    @Test
    void uploadsIntoTheStackStartedLastWhenNoDataDirIsSet() throws Exception {
        Path home = Files.createDirectories(temp.resolve("home"));
        Path elsewhere = temp.resolve("stack X");
        LocalStacks.running(elsewhere, "localhost:19092", 1000);
        LocalStacks.pointTo(home, elsewhere);

        CliRun run = CliRun.run(Map.of("HOME", home.toString()), "upload", source().toString(), "--dataset", "d");

        assertThat(run.exitCode).as(run.err()).isZero();
        assertThat(elsewhere.resolve("buckets/sluice-local-raw-data/datasets/d/_SUCCESS")).exists();
        assertThat(home.resolve(".sluice/buckets")).doesNotExist();
    }

    @Test
    void refusesToUploadWhereNoStackRunsWithOneReadableLine() throws Exception {
        Path home = Files.createDirectories(temp.resolve("home"));

        CliRun run = CliRun.run(Map.of("HOME", home.toString()), "upload", source().toString(), "--dataset", "d");

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.err().strip()).doesNotContain("\n")
                .startsWith("sluice upload: no stack runs at " + home.resolve(".sluice") + " (the default data dir): no stack.json there")
                .contains("./sluice up").contains("SLUICE_DATA_DIR");
        assertThat(home.resolve(".sluice")).doesNotExist();
    }

    @Test
    void refusesToUploadIntoAStackThatHasStopped() throws Exception {
        Path home = Files.createDirectories(temp.resolve("home"));
        Path data = temp.resolve("data");
        long pid = LocalStacks.stale(data).pid();

        CliRun viaEnv = CliRun.run(Map.of("HOME", home.toString(), "SLUICE_DATA_DIR", data.toString()), "upload", source().toString(), "-d", "d");
        LocalStacks.pointTo(home, data);
        CliRun viaPointer = CliRun.run(Map.of("HOME", home.toString()), "upload", source().toString(), "-d", "d");

        assertThat(viaEnv.exitCode).isEqualTo(1);
        assertThat(viaEnv.err()).contains("no stack runs at " + data + " (SLUICE_DATA_DIR): its stack.json is stale: the stack (pid "
                + pid + ") is no longer running");
        assertThat(viaPointer.exitCode).isEqualTo(1);
        assertThat(viaPointer.err()).contains("no stack runs at " + data + " (" + home.resolve(".sluice/current") + ", the stack started last)");
        assertThat(data.resolve("buckets")).doesNotExist();
    }

    @Test
    void takesKafkaUrlsAndTokenFromTheRunningStackUnlessTheEnvironmentSaysOtherwise() throws Exception {
        Path home = Files.createDirectories(temp.resolve("home"));
        Path data = temp.resolve("data");
        LocalStacks.running(data, "localhost:19092,localhost:19094", 1000);
        Files.writeString(data.resolve("admin-token"), "from-the-stack\n");
        LocalStacks.pointTo(home, data);
        CliContext found = new CliContext(null, null, Map.of("HOME", home.toString()));
        CliContext overridden = new CliContext(null, null, Map.of("HOME", home.toString(), "SLUICE_KAFKA", "kafka:9092",
                "SLUICE_DEPLOYMENT_URL", "http://deploy:80/", "SLUICE_TOKEN", "mine"));

        assertThat(found.kafka(null)).isEqualTo("localhost:19092,localhost:19094");
        assertThat(found.serviceUrl(null, "SLUICE_DEPLOYMENT_URL", "deployment-service", 8083)).isEqualTo("http://localhost:9083");
        assertThat(found.token()).isEqualTo("from-the-stack");
        assertThat(StatusCommand.instances(found.stack().stack())).containsEntry("ingest", 9081).containsEntry("ingest-2", 9181);
        assertThat(overridden.kafka(null)).isEqualTo("kafka:9092");
        assertThat(overridden.kafka("cli:1")).isEqualTo("cli:1");
        assertThat(overridden.serviceUrl(null, "SLUICE_DEPLOYMENT_URL", "deployment-service", 8083)).isEqualTo("http://deploy:80");
        assertThat(overridden.token()).isEqualTo("mine");

        CliContext none = new CliContext(null, null, Map.of("HOME", Files.createDirectories(temp.resolve("empty")).toString()));
        assertThat(none.kafka(null)).isEqualTo("localhost:9092");
        assertThat(none.serviceUrl(null, "SLUICE_INFERENCE_URL", "inference-service", 8082)).isEqualTo("http://localhost:8082");
        assertThat(StatusCommand.instances(none.stack().stack())).containsEntry("inference", 8082).hasSize(7);
    }
}
