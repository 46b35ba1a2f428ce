package io.sluice.console.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the console finds the admin token: the configured one (env {@code SLUICE_ADMIN_TOKEN}), else the file that {@code ./sluice up} wrote. */
public final class ConsoleTokens {

    private ConsoleTokens() {}

    /** The configured admin token, else the content of {@code <data dir>/admin-token}, else empty. */
    public static String adminToken(String configured, Path dataDir) {
        String effective = configured == null ? "" : configured.strip();
        Path file = dataDir.resolve("admin-token");
        if (effective.isEmpty() && Files.isRegularFile(file)) {
            try {
                effective = Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException unreadable) {
                effective = "";
            }
        }
        return effective;
    }
}
