package io.sluice.console.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * One in-process run of the CLI's entry point with captured stdout and stderr. Unless the
 * environment names a {@code HOME}, each run gets an empty one, so no test finds a local stack
 * that someone started on this machine ({@code ~/.sluice/current}).
 */
final class CliRun {

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    volatile int exitCode = -1;

    static CliRun run(Map<String, String> env, String... args) {
        CliRun run = new CliRun();
        run.exitCode = SluiceCli.run(new PrintStream(run.out, true, StandardCharsets.UTF_8),
                new PrintStream(run.err, true, StandardCharsets.UTF_8), isolated(env), args);
        return run;
    }

    /** Runs with the given object stores (local fakes of the cloud stores). */
    static CliRun run(Map<String, String> env, StoreFactory stores, String... args) {
        CliRun run = new CliRun();
        run.exitCode = SluiceCli.run(new PrintStream(run.out, true, StandardCharsets.UTF_8),
                new PrintStream(run.err, true, StandardCharsets.UTF_8), isolated(env), stores, args);
        return run;
    }

    /** Runs on another thread (for --follow); read {@link #exitCode} after joining. */
    static Thread start(CliRun run, Map<String, String> env, String... args) {
        Map<String, String> isolated = isolated(env);
        Thread thread = new Thread(() -> run.exitCode = SluiceCli.run(new PrintStream(run.out, true, StandardCharsets.UTF_8),
                new PrintStream(run.err, true, StandardCharsets.UTF_8), isolated, args), "cli-under-test");
        thread.start();
        return thread;
    }

    /** The environment with an empty {@code HOME} of its own unless it names one. */
    static Map<String, String> isolated(Map<String, String> env) {
        if (env.containsKey("HOME")) {
            return env;
        }
        Map<String, String> withHome = new HashMap<>(env);
        try {
            Path home = Files.createTempDirectory("sluice-cli-home");
            home.toFile().deleteOnExit();
            withHome.put("HOME", home.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return withHome;
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    List<JsonNode> jsonLines() {
        return out().lines().filter(l -> !l.isBlank()).map(l -> HttpApi.JSON.readTree(l)).toList();
    }
}
