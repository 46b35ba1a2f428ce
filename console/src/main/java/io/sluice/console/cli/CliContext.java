package io.sluice.console.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What every command reads from outside: its output streams and the environment
 * ({@code SLUICE_KAFKA}, {@code SLUICE_DATA_DIR}, {@code SLUICE_TOKEN}, …), so tests can run the
 * CLI in-process.
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

    /** Kafka bootstrap servers: the option, else {@code SLUICE_KAFKA}, else localhost:9092. */
    String kafka(String option) {
        return firstNonBlank(option, env.get("SLUICE_KAFKA"), DEFAULT_KAFKA);
    }

    /** The local data folder: {@code SLUICE_DATA_DIR}, else {@code ~/.sluice}. */
    Path dataDir() {
        String dir = env.get("SLUICE_DATA_DIR");
        return dir == null || dir.isBlank() ? Path.of(System.getProperty("user.home"), ".sluice") : Path.of(dir);
    }

    /** A service's base URL: the option, else the environment variable, else the local stack's. */
    String url(String option, String envName, String fallback) {
        String url = firstNonBlank(option, env.get(envName), fallback);
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
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
