package io.sluice.platform.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the tools (the CLI, {@code ./sluice demo}) look for the local stack and what they found there. The data directory is
 * {@code SLUICE_DATA_DIR}, else the one named by {@code ~/.sluice/current} (written by the
 * {@code ./sluice up} started last), else {@code ~/.sluice}; a stack runs there when its
 * {@code stack.json} names a launcher process that is still alive.
 *
 * @param dataDir where it looked
 * @param origin  why there, for messages ("SLUICE_DATA_DIR", "~/.sluice/current", "the default")
 * @param stack   the running stack's file, empty when none runs there
 * @param absence why no stack runs there (null when one does)
 */
public record LocalStackLocation(Path dataDir, String origin, Optional<LocalStackFile> stack, String absence) {

    /**
     * Looks for the stack.
     *
     * @param env      environment variables ({@code SLUICE_DATA_DIR})
     * @param userHome where {@code ~/.sluice} is
     */
    public static LocalStackLocation resolve(Map<String, String> env, Path userHome) {
        String fromEnv = env.get("SLUICE_DATA_DIR");
        Path dataDir;
        String origin;
        Path pointer = LocalStackFile.pointer(userHome);
        String pointed = readPointer(pointer);
        if (fromEnv != null && !fromEnv.isBlank()) {
            dataDir = Path.of(fromEnv.strip());
            origin = "SLUICE_DATA_DIR";
        } else if (pointed != null) {
            dataDir = Path.of(pointed);
            origin = pointer + ", the stack started last";
        } else {
            dataDir = userHome.resolve(".sluice");
            origin = "the default data dir";
        }
        dataDir = dataDir.toAbsolutePath().normalize();
        Optional<LocalStackFile> file = LocalStackFile.read(dataDir);
        if (file.isEmpty()) {
            return new LocalStackLocation(dataDir, origin, Optional.empty(), "no " + LocalStackFile.FILE_NAME + " there");
        }
        if (!file.get().running()) {
            return new LocalStackLocation(dataDir, origin, Optional.empty(),
                    "its " + LocalStackFile.FILE_NAME + " is stale: the stack (pid " + file.get().pid() + ") is no longer running");
        }
        return new LocalStackLocation(dataDir, origin, file, null);
    }

    private static String readPointer(Path pointer) {
        try {
            if (Files.isRegularFile(pointer)) {
                String dir = Files.readString(pointer, StandardCharsets.UTF_8).strip();
                return dir.isEmpty() ? null : dir;
            }
        } catch (IOException unreadable) {
            // as if there were none: the default data dir
        }
        return null;
    }

    /**
     * The running stack.
     *
     * @throws IllegalStateException with one readable line: where it looked, why there, why no stack runs there, and what to do
     */
    public LocalStackFile require() {
        return stack.orElseThrow(() -> new IllegalStateException("no stack runs at " + dataDir + " (" + origin + "): " + absence
                + "; start one with ./sluice up [--data-dir DIR], or set SLUICE_DATA_DIR to the data dir of the one that runs"));
    }
}
