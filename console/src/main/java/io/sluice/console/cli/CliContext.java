package io.sluice.console.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.sluice.platform.local.LocalStackFile;
import io.sluice.platform.local.LocalStackLocation;

/**
 * What every command reads from outside: its output streams, the environment
 * ({@code SLUICE_KAFKA}, {@code SLUICE_DATA_DIR}, {@code SLUICE_TOKEN}, …, and {@code HOME}) and the
 * local stack found from it ({@link LocalStackLocation}), so tests can run the CLI in-process.
 *
 * @param out    stdout (data: JSON lines, tables)
 * @param err    stderr (progress, errors)
 * @param env    environment variables
 * @param stores opens the object store {@code sluice upload} writes to
 */
record CliContext(PrintWriter out, PrintWriter err, Map<String, String> env, StoreFactory stores) {

    CliContext(PrintWriter out, PrintWriter err, Map<String, String> env) {
        this(out, err, env, StoreFactory.DEFAULT);
    }

    static final String DEFAULT_KAFKA = "localhost:9092";

    /** Kafka bootstrap servers: the option, else {@code SLUICE_KAFKA}, else the running local stack's, else localhost:9092. */
    String kafka(String option) {
        String explicit = firstNonBlank(option, env.get("SLUICE_KAFKA"));
        return explicit != null ? explicit : stack().stack().map(LocalStackFile::kafka).orElse(DEFAULT_KAFKA);
    }

    /** The user's home ({@code HOME}, else the JVM's {@code user.home}): where {@code ~/.sluice} is. */
    Path userHome() {
        String home = env.get("HOME");
        return Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home);
    }

    /**
     * The schema registry's Confluent-compatible API: {@code SLUICE_EVENTS_REGISTRY_URL}, else the running local stack's
     * ({@code ./sluice up --registry}), else empty (registry-framed records then cannot be decoded).
     */
    String registryUrl() {
        String found = stack().stack().map(file -> file.urls().get(SCHEMA_REGISTRY)).orElse(null);
        String url = firstNonBlank(env.get("SLUICE_EVENTS_REGISTRY_URL"), found);
        return url == null ? "" : url;
    }

    /** The name under which a stack in registry mode lists its registry's API in {@code stack.json}'s urls. */
    static final String SCHEMA_REGISTRY = "schema-registry";

    /** Where the local stack is looked for, and whether one runs there. */
    LocalStackLocation stack() {
        return LocalStackLocation.resolve(env, userHome());
    }

    /** The running local stack, or a {@link CliException} that says where the CLI looked and what to do. */
    LocalStackFile runningStack() {
        try {
            return stack().require();
        } catch (IllegalStateException none) {
            throw new CliException(none.getMessage());
        }
    }

    /** The local data folder: {@code SLUICE_DATA_DIR}, else the stack started last ({@code ~/.sluice/current}), else {@code ~/.sluice}. */
    Path dataDir() {
        return stack().dataDir();
    }

    /** A base URL: the option, else the environment variable, else the fallback. */
    String url(String option, String envName, String fallback) {
        String url = firstNonBlank(option, env.get(envName), fallback);
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /**
     * A service's base URL: the option, else the environment variable, else where the running local
     * stack serves the module (its port offset applied), else {@code http://localhost:<defaultPort>}.
     */
    String serviceUrl(String option, String envName, String module, int defaultPort) {
        String found = stack().stack().map(file -> file.urls().get(module)).orElse(null);
        return url(option, envName, firstNonBlank(found, "http://localhost:" + defaultPort));
    }

    /** The admin token: {@code SLUICE_TOKEN}, else the file {@code <data dir>/admin-token} that {@code ./sluice up} writes. */
    String token() {
        String token = env.get("SLUICE_TOKEN");
        if (token != null && !token.isBlank()) {
            return token.strip();
        }
        Path file = dataDir().resolve("admin-token");
        try {
            if (Files.isRegularFile(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            }
        } catch (IOException e) {
            throw new CliException("cannot read the admin token from " + file + ": " + e.getMessage());
        }
        throw new CliException("no admin token: set SLUICE_TOKEN or start the stack with ./sluice up (it writes " + file + ")");
    }

    /** The admin token when one is available, else null (for reads that may work without one). */
    String tokenOrNull() {
        try {
            return token();
        } catch (CliException none) {
            return null;
        }
    }

    static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.strip();
            }
        }
        return null;
    }
}
