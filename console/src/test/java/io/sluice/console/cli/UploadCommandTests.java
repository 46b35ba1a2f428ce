package io.sluice.console.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice upload} into a local (folder) bucket. */
class UploadCommandTests {

    @TempDir
    Path temp;

    @Test
    void copiesTheFolderUnderDatasetsAndWritesTheMarkerLastWithProgress() throws Exception {
        Path source = Files.createDirectories(temp.resolve("src"));
        for (int i = 0; i < 30; i++) {
            Path file = source.resolve((i % 2 == 0 ? "cat" : "dog") + "/img-" + i + ".png");
            Files.createDirectories(file.getParent());
            Files.write(file, new byte[] {(byte) i, 1, 2});
        }
        Files.writeString(source.resolve(".DS_Store"), "hidden");
        Path data = temp.resolve("data");
        LocalStacks.running(data, "localhost:9092", 0);

        CliRun run = CliRun.run(Map.of("SLUICE_DATA_DIR", data.toString()), "upload", source.toString(), "--dataset", "pets");

        assertThat(run.exitCode).as(run.err()).isZero();
        Path dataset = data.resolve("buckets/sluice-local-raw-data/datasets/pets");
        assertThat(Files.readAllBytes(dataset.resolve("dog/img-7.png"))).containsExactly(7, 1, 2);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dataset)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).hasSize(31).noneMatch(p -> p.getFileName().toString().equals(".DS_Store"));
        FileTime marker = Files.getLastModifiedTime(dataset.resolve("_SUCCESS"));
        for (Path file : files) {
            assertThat(Files.getLastModifiedTime(file)).isLessThanOrEqualTo(marker);
        }
        assertThat(run.out()).contains("uploaded 30 file(s)").contains("datasets/pets/").contains("_SUCCESS");
        assertThat(run.err()).contains("uploaded 15/30 files (50%)").contains("uploaded 30/30 files (100%)");
    }

    @Test
    void writesToTheBucketGivenAndExplainsUnusableBuckets() throws Exception {
        Path source = Files.createDirectories(temp.resolve("src"));
        Files.writeString(source.resolve("iris.csv"), "sepal,label\n5.1,setosa\n");
        Path bucket = temp.resolve("elsewhere/my raw bucket");

        CliRun run = CliRun.run(Map.of(), "upload", source.toString(), "-d", "iris", "--bucket", bucket.toUri().toString());

        assertThat(run.exitCode).as(run.err()).isZero();
        assertThat(bucket.resolve("datasets/iris/iris.csv")).hasContent("sepal,label\n5.1,setosa");
        assertThat(bucket.resolve("datasets/iris/_SUCCESS")).exists();

        CliRun s3 = CliRun.run(Map.of(), "upload", source.toString(), "-d", "iris", "--bucket", "s3://sluice-prod-raw-data/");
        assertThat(s3.exitCode).isEqualTo(1);
        assertThat(s3.err()).contains("sluice upload: no object store for 's3:' buckets").contains("obs://").doesNotContain("\tat ");

        CliRun obs = CliRun.run(Map.of(), "upload", source.toString(), "-d", "iris", "--bucket", "obs://sluice-prod-raw-data/");
        assertThat(obs.exitCode).isEqualTo(1);
        assertThat(obs.err()).contains("an obs: bucket needs an endpoint").contains("SLUICE_STORAGE_OBS_ENDPOINT");

        CliRun keys = CliRun.run(Map.of(), "upload", source.toString(), "-d", "iris", "--bucket", "obs://sluice-prod-raw-data/",
                "--obs-endpoint", "http://127.0.0.1:1");
        assertThat(keys.exitCode).isEqualTo(1);
        assertThat(keys.err()).contains("an obs: bucket needs credentials").contains("SLUICE_STORAGE_OBS_ACCESS_KEY");

        CliRun unreachable = CliRun.run(Map.of("SLUICE_STORAGE_OBS_ACCESS_KEY", "ak", "SLUICE_STORAGE_OBS_SECRET_KEY", "sk",
                "SLUICE_STORAGE_OBS_TIMEOUT", "2s", "SLUICE_STORAGE_OBS_MAX_ATTEMPTS", "1"),
                "upload", source.toString(), "-d", "iris", "--bucket", "obs://sluice-prod-raw-data/", "--obs-endpoint", "http://127.0.0.1:1");
        assertThat(unreachable.exitCode).isEqualTo(1);
        assertThat(unreachable.err()).contains("sluice upload: cannot use the bucket obs://sluice-prod-raw-data/")
                .contains("nothing was uploaded").doesNotContain("\tat ");
    }

    @Test
    void refusesADatasetNameThatWouldEscapeItsPrefixBeforeCopyingAnything() throws Exception {
        Path source = Files.createDirectories(temp.resolve("src"));
        Files.writeString(source.resolve("a.csv"), "x,label\n1,a\n");
        Path data = temp.resolve("data");
        LocalStacks.running(data, "localhost:9092", 0);

        CliRun run = CliRun.run(Map.of("SLUICE_DATA_DIR", data.toString()), "upload", source.toString(), "--dataset", "../etc");

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.err()).contains("sluice upload:").contains("'..'");
        assertThat(data.resolve("buckets/sluice-local-raw-data/datasets")).doesNotExist();
    }

    @Test
    void failsOnAMissingFolderAndAsksForTheDatasetName() {
        CliRun missing = CliRun.run(Map.of("SLUICE_DATA_DIR", temp.toString()), "upload", temp.resolve("nope").toString(), "-d", "x");
        assertThat(missing.exitCode).isEqualTo(1);
        assertThat(missing.err()).contains("is not a folder");

        CliRun usage = CliRun.run(Map.of(), "upload", temp.toString());
        assertThat(usage.exitCode).isEqualTo(2);
        assertThat(usage.err()).contains("Missing required option: '--dataset=NAME'");
    }
}
