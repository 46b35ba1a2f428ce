package io.sluice.console.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The console's tokens. The admin token is the configured one (env {@code SLUICE_ADMIN_TOKEN}),
 * else the one {@code ./sluice up} wrote to {@code <data dir>/admin-token}, else none.
 *
 * @param admin  admin token, may be empty
 * @param writer writer token, may be empty
 * @param viewer viewer token, may be empty
 */
public record ConsoleTokens(String admin, String writer, String viewer) {

    public static ConsoleTokens resolve(String admin, String writer, String viewer, Path dataDir) {
        String effective = admin == null ? "" : admin.strip();
        Path file = dataDir.resolve("admin-token");
        if (effective.isEmpty() && Files.isRegularFile(file)) {
            try {
                effective = Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException unreadable) {
                effective = "";
            }
        }
        return new ConsoleTokens(effective, writer == null ? "" : writer.strip(), viewer == null ? "" : viewer.strip());
    }
}
