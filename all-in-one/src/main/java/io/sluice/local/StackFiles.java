package io.sluice.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;

import io.sluice.platform.local.LocalStackFile;

/**
 * The files a stack keeps outside its processes: {@code <data-dir>/admin-token},
 * {@code <data-dir>/logs/stack.log} (what the supervisor reported), {@code <data-dir>/stack.json}
 * and the pointer {@code ~/.sluice/current}; the last two are removed on a clean stop.
 *
 * @param dataDir  the stack's data directory
 * @param userHome where {@code ~/.sluice/current} is written (the user's home; tests give their own)
 */
record StackFiles(Path dataDir, Path userHome) {

    /** The admin token: the one kept in the data dir, or a new random one written there (mode 600). */
    String adminToken() throws IOException {
        Path file = dataDir.resolve("admin-token");
        if (Files.exists(file)) {
            return Files.readString(file).strip();
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        Files.writeString(file, token + "\n");
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        return token;
    }

    /** A line about a process on the console and, time-stamped, in {@code <data-dir>/logs/stack.log}. */
    void report(String line) {
        System.out.println(line);
        try {
            Files.writeString(dataDir.resolve("logs").resolve("stack.log"), Instant.now() + " " + line + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("sluice: cannot write the stack log: " + e.getMessage());
        }
    }

    /** Writes {@code stack.json}; a failure is reported, never fatal. */
    void write(LocalStackFile file) {
        try {
            file.write();
        } catch (IOException e) {
            System.err.println("sluice: cannot write " + LocalStackFile.in(dataDir) + ": " + e.getMessage());
        }
    }

    /** Points {@code ~/.sluice/current} at this data dir, so the CLI finds this stack without SLUICE_DATA_DIR. */
    void point() {
        Path pointer = LocalStackFile.pointer(userHome);
        try {
            Files.createDirectories(pointer.getParent());
            Files.writeString(pointer, dataDir + "\n");
        } catch (IOException e) {
            System.err.println("sluice: cannot write " + pointer + " (the CLI then needs SLUICE_DATA_DIR=" + dataDir + "): " + e.getMessage());
        }
    }

    /** Removes {@code stack.json} when this process wrote it, and the pointer when it still names this data dir. */
    void remove() {
        try {
            if (LocalStackFile.read(dataDir).filter(LocalStackFile::ours).isPresent()) {
                Files.deleteIfExists(LocalStackFile.in(dataDir));
            }
            Path pointer = LocalStackFile.pointer(userHome);
            if (Files.isRegularFile(pointer) && Files.readString(pointer).strip().equals(dataDir.toString())) {
                Files.deleteIfExists(pointer);
            }
        } catch (IOException e) {
            System.err.println("sluice: cannot clean up the stack file: " + e.getMessage());
        }
    }
}
