package io.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unpacking a real service jar with Spring Boot's jar mode, reusing it, and falling back when it cannot be unpacked. */
class ServiceImageTests {

    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    private static final Path CONSOLE_JAR = Path.of(System.getProperty("sluice.e2e.home", "..")).toAbsolutePath().normalize()
            .resolve("console/target/console-0.1.0-SNAPSHOT-exec.jar");

    @TempDir
    Path dir;

    @Test
    void unpacksAnExecutableJarOnceAndAgainWhenItChanges() throws Exception {
        Assumptions.assumeTrue(Files.exists(CONSOLE_JAR), () -> "skipped: " + CONSOLE_JAR + " is not built yet");
        Path jar = Files.copy(CONSOLE_JAR, dir.resolve("console-exec.jar"));

        Path extracted = ServiceImage.prepare(JAVA, jar).get();
        assertThat(extracted).isEqualTo(dir.resolve("console-exec-app/console-exec.jar")).isRegularFile();
        assertThat(dir.resolve("console-exec-app/lib")).isDirectoryContaining(p -> p.getFileName().toString().startsWith("spring-boot-"));

        CompletableFuture<Path> again = ServiceImage.prepare(JAVA, jar);
        assertThat(again).as("an unchanged jar is not unpacked again").isCompletedWithValue(extracted);

        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));
        CompletableFuture<Path> changed = ServiceImage.prepare(JAVA, jar);
        assertThat(changed).as("a rebuilt jar is unpacked again").isNotDone();
        assertThat(changed.get()).isEqualTo(extracted).isRegularFile();
        try (var leftovers = Files.list(dir)) {
            assertThat(leftovers.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("console-exec.jar", "console-exec-app");
        }
    }

    @Test
    void runsFromTheExecutableJarWhenItCannotBeUnpacked() throws Exception {
        Path notAJar = Files.writeString(dir.resolve("broken-exec.jar"), "not a jar");
        assertThat(ServiceImage.prepare(JAVA, notAJar).get()).isEqualTo(notAJar);
        assertThat(dir.resolve("broken-exec-app")).doesNotExist();
    }
}
