package io.sluice.local;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.sluice.platform.local.LocalStackFile;

/**
 * Keeps the local stack's processes running. Once a second it checks each: a process that exited
 * on its own is reported and restarted after a {@link Backoff} delay; one that keeps exiting is
 * given up on (FAILED) and reported; a restarted one is reported again when its health check passes.
 * Every state change is reported through {@code changed} (the stack rewrites its {@code stack.json}).
 */
final class Supervisor implements AutoCloseable {

    /** Starts (or restarts) one process. */
    interface Launch {
        Process start() throws IOException;
    }

    /** The state of a supervised process; see {@link LocalStackFile.Process#state()}. */
    enum State { STARTING, UP, UNHEALTHY, RESTARTING, FAILED, STOPPED }

    /** One supervised process: a broker node or a service replica. */
    static final class Child {
        final String name;
        final String module;
        final int replica;
        final int port;
        final Path log;
        private final Launch launch;
        private final BooleanSupplier healthy;
        private volatile Process process;
        private volatile State state = State.STARTING;
        private volatile int restarts;
        private volatile Integer lastExit;
        private int failuresInARow;
        private long healthySince;
        private long restartAt;
        private long exitedAt = -1;

        private Child(String name, String module, int replica, int port, Path log, Launch launch, BooleanSupplier healthy) {
            this.name = name;
            this.module = module;
            this.replica = replica;
            this.port = port;
            this.log = log;
            this.launch = launch;
            this.healthy = healthy;
        }

        State state() {
            return state;
        }

        /** The current process (the latest one after a restart). */
        Process process() {
            return process;
        }

        int restarts() {
            return restarts;
        }

        LocalStackFile.Process snapshot() {
            Process now = process;
            long pid = now != null && now.isAlive() ? now.pid() : 0;
            return new LocalStackFile.Process(name, module, replica, pid, port, state.name(), restarts, lastExit);
        }
    }

    private final Backoff backoff;
    private final Consumer<String> report;
    private final Runnable changed;
    private final List<Child> children = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "sluice-supervisor");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean closed;

    /**
     * @param report  where a line about a process that exited, was restarted or given up on goes (console and stack log)
     * @param changed called after any state change
     */
    Supervisor(Backoff backoff, Consumer<String> report, Runnable changed) {
        this.backoff = backoff;
        this.report = report;
        this.changed = changed;
        ticker.scheduleWithFixedDelay(this::tickQuietly, 1, 1, TimeUnit.SECONDS);
    }

    /** Starts a process and supervises it from now on. */
    Child start(String name, String module, int replica, int port, Path log, Launch launch, BooleanSupplier healthy) throws IOException {
        Child child = new Child(name, module, replica, port, log, launch, healthy);
        child.process = launch.start();
        synchronized (this) {
            children.add(child);
        }
        changed.run();
        return child;
    }

    List<Child> children() {
        return List.copyOf(children);
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            report.accept("sluice: supervision round failed: " + e);
        }
    }

    /** One supervision round over every process (runs every second on its own thread). */
    synchronized void tick() {
        boolean anyChange = false;
        for (Child child : children) {
            if (closed) {
                return;
            }
            anyChange |= check(child, System.nanoTime());
        }
        if (anyChange) {
            changed.run();
        }
    }

    private boolean check(Child child, long now) {
        switch (child.state) {
            case STARTING, UP, UNHEALTHY -> {
                Process process = child.process;
                if (!process.isAlive()) {
                    exited(child, process, now);
                    return true;
                }
                if (!child.healthy.getAsBoolean()) {
                    if (child.state == State.UP) {
                        child.state = State.UNHEALTHY;
                        return true;
                    }
                    return false;
                }
                if (child.state != State.UP) {
                    if (child.exitedAt >= 0) {
                        report.accept(String.format(Locale.ROOT, "sluice: %s is UP again (pid %d), %.1f s after it exited",
                                child.name, process.pid(), (now - child.exitedAt) / 1e9));
                        child.exitedAt = -1;
                    }
                    child.state = State.UP;
                    child.healthySince = now;
                    return true;
                }
                if (child.failuresInARow > 0 && now - child.healthySince >= backoff.healthyReset().toNanos()) {
                    child.failuresInARow = 0;
                }
                return false;
            }
            case RESTARTING -> {
                if (now < child.restartAt) {
                    return false;
                }
                child.restarts++;
                try {
                    child.process = child.launch.start();
                    child.state = State.STARTING;
                    report.accept("sluice: restarted " + child.name + " (pid " + child.process.pid() + ", restart " + child.restarts + ")");
                } catch (IOException e) {
                    report.accept("sluice: cannot restart " + child.name + ": " + e.getMessage());
                    scheduleRestart(child, -1, now);
                }
                return true;
            }
            case FAILED, STOPPED -> {
                return false;
            }
        }
        return false;
    }

    private void exited(Child child, Process process, long now) {
        int code = process.exitValue();
        if (child.exitedAt < 0) {
            child.exitedAt = now;
        }
        report.accept("sluice: " + child.name + " (pid " + process.pid() + ") exited with " + code + describe(code) + "; log: " + child.log);
        scheduleRestart(child, code, now);
    }

    private void scheduleRestart(Child child, int code, long now) {
        child.lastExit = code;
        child.failuresInARow++;
        if (child.failuresInARow >= backoff.maxFailures()) {
            child.state = State.FAILED;
            report.accept("sluice: " + child.name + " failed " + child.failuresInARow + " times in a row without staying healthy for "
                    + backoff.healthyReset().toSeconds() + " s; not restarting it again (see " + child.log + ")");
            return;
        }
        Duration delay = backoff.delay(child.failuresInARow);
        child.restartAt = now + delay.toNanos();
        child.state = State.RESTARTING;
        report.accept(String.format(Locale.ROOT, "sluice: restarting %s in %.1f s (failure %d in a row)", child.name,
                delay.toMillis() / 1e3, child.failuresInARow));
    }

    private static String describe(int code) {
        return switch (code) {
            case 137 -> " (killed: SIGKILL)";
            case 143 -> " (terminated: SIGTERM)";
            default -> "";
        };
    }

    /** Stops supervising (no more restarts); the processes keep running until {@link #stop}. */
    @Override
    public void close() {
        closed = true;
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends SIGTERM to the given processes at once, waits up to {@code grace} for each, then kills what is left. */
    void stop(Collection<Child> which, Duration grace) {
        for (Child child : which) {
            child.state = State.STOPPED;
            if (child.process != null) {
                child.process.destroy();
            }
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (Child child : which) {
            Process process = child.process;
            if (process == null) {
                continue;
            }
            try {
                if (!process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
