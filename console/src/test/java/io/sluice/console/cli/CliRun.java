package io.sluice.console.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/** One in-process run of the CLI's entry point with captured stdout and stderr. */
final class CliRun {

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    volatile int exitCode = -1;

    static CliRun run(Map<String, String> env, String... args) {
        CliRun run = new CliRun();
        run.exitCode = SluiceCli.run(new PrintStream(run.out, true, StandardCharsets.UTF_8),
                new PrintStream(run.err, true, StandardCharsets.UTF_8), env, args);
        return run;
    }

    /** Runs with the given object stores (local fakes of the cloud stores). */
    static CliRun run(Map<String, String> env, StoreFactory stores, String... args) {
        CliRun run = new CliRun();
        run.exitCode = SluiceCli.run(new PrintStream(run.out, true, StandardCharsets.UTF_8),
                new PrintStream(run.err, true, StandardCharsets.UTF_8), env, stores, args);
        return run;
    }

    /** Runs on another thread (for --follow); read {@link #exitCode} after joining. */
    static Thread start(CliRun run, Map<String, String> env, String... args) {
        Thread thread = new Thread(() -> run.exitCode = SluiceCli.run(new PrintStream(run.out, true, StandardCharsets.UTF_8),
                new PrintStream(run.err, true, StandardCharsets.UTF_8), env, args), "cli-under-test");
        thread.start();
        return thread;
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
