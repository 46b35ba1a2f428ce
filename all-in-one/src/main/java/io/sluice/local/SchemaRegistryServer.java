package io.sluice.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real schema registry for registry mode ({@code ./sluice up --registry}, and the registry tests): Apicurio Registry
 * 3.3.3 ({@code io.apicurio:apicurio-registry-app:tar.gz:all}, unpacked by the build into
 * {@code all-in-one/target/apicurio-registry}, nothing downloaded at run time), serving the Confluent-compatible API
 * at {@code /apis/ccompat/v7}. It needs Java 21 or newer ({@link #findJava}). With a storage folder its schemas live
 * in an H2 file there (ids must outlive a restart: records on the topics refer to them); without one, in memory.
 *
 * @param java         a Java 21+ launcher
 * @param distribution the unpacked distribution (holds {@code quarkus-run.jar})
 * @param port         its HTTP port
 * @param storage      the folder of its H2 database, or null for in-memory storage
 */
record SchemaRegistryServer(Path java, Path distribution, int port, Path storage) {

    /** Port of the local stack's registry (before {@code --port-offset}): after the services' 8080–8086. */
    static final int PORT = 8087;
    /** The distribution's folder under the repository. */
    static final String DISTRIBUTION = "all-in-one/target/apicurio-registry";
    /** Oldest Java the registry runs on. */
    static final int MIN_JAVA = 21;

    private static final Pattern JAVA_VERSION = Pattern.compile("^JAVA_VERSION=\"(\\d+)", Pattern.MULTILINE);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    /** The Confluent-compatible API, what {@code sluice.events.registry-url} names. */
    String api() {
        return "http://localhost:" + port + "/apis/ccompat/v7";
    }

    /** The distribution under a repository checkout, when the build unpacked it. */
    static Optional<Path> distribution(Path home) {
        Path folder = home.resolve(DISTRIBUTION);
        return Files.isRegularFile(folder.resolve("quarkus-run.jar")) ? Optional.of(folder) : Optional.empty();
    }

    /**
     * A Java {@value #MIN_JAVA}+ launcher: {@code SLUICE_REGISTRY_JAVA_HOME}, else {@code JAVA_HOME}, else the running
     * JVM, else the newest JDK under {@code /usr/lib/jvm} — the first that is new enough.
     */
    static Optional<Path> findJava(Map<String, String> env) {
        List<Path> homes = new ArrayList<>();
        Stream.of(env.get("SLUICE_REGISTRY_JAVA_HOME"), env.get("JAVA_HOME"), System.getProperty("java.home"))
                .filter(h -> h != null && !h.isBlank()).map(Path::of).forEach(homes::add);
        try (Stream<Path> installed = Files.list(Path.of("/usr/lib/jvm"))) {
            installed.sorted(Comparator.comparing(SchemaRegistryServer::feature).reversed()).forEach(homes::add);
        } catch (IOException noJvmFolder) {
            // only the homes above
        }
        return homes.stream().filter(h -> feature(h) >= MIN_JAVA && Files.isExecutable(h.resolve("bin/java")))
                .map(h -> h.resolve("bin/java")).findFirst();
    }

    /** The feature release of a Java home (its {@code release} file), 0 when unknown. */
    static int feature(Path javaHome) {
        try {
            Matcher version = JAVA_VERSION.matcher(Files.readString(javaHome.resolve("release")));
            return version.find() ? Integer.parseInt(version.group(1)) : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Starts the registry process, its output appended to the log. */
    Process launch(Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=localhost", "-Dquarkus.http.port=" + port,
                // its management interface (9000 by default, fixed on at build time) on any free port: never a clash with a second one
                "-Dquarkus.management.host=localhost", "-Dquarkus.management.port=0"));
        if (storage != null) {
            Files.createDirectories(storage);
            command.addAll(List.of("-Dapicurio.datasource.url=jdbc:h2:file:" + storage.resolve("registry"),
                    "-Dapicurio.datasource.username=sa", "-Dapicurio.datasource.password=sa"));
        }
        command.addAll(List.of("-jar", distribution.resolve("quarkus-run.jar").toString()));
        return new ProcessBuilder(command).directory(distribution.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** Whether the Confluent-compatible API answers (the supervisor's health check). */
    boolean answers() {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create(api() + "/subjects"))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
