package io.sluice.inference.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Where the CPU went during a load point (Linux {@code /proc}; empty elsewhere): this JVM's threads
 * grouped by role (Tomcat request threads, the batcher running the model, telemetry, the embedded
 * broker, JIT, GC, …), the load-generating child processes that finished (wrk or a client JVM), and
 * every other process on the machine. Divided by the requests answered it gives CPU milliseconds per
 * request by role.
 */
final class CpuAccount {

    private static final double TICKS_PER_SECOND = 100; // USER_HZ on Linux
    private static final Path SELF = Path.of("/proc/self");

    /** Thread name prefixes (as the kernel truncates them, 15 characters) → role. */
    private static final List<Map.Entry<String, String>> ROLES = List.of(
            Map.entry("http-nio", "web (Tomcat, Spring MVC, JSON)"),
            Map.entry("batcher-", "batcher (DJL/PyTorch forward pass)"),
            Map.entry("grpc-", "gRPC (Netty, protobuf, service)"),
            Map.entry("event-outbox", "telemetry (outbox → StreamBridge)"),
            Map.entry("kafka-producer", "telemetry (Kafka producer I/O)"),
            Map.entry("C1 Compiler", "JIT compiler"),
            Map.entry("C2 Compiler", "JIT compiler"),
            Map.entry("GC ", "GC"),
            Map.entry("G1 ", "GC"),
            Map.entry("VM Thread", "GC"),
            Map.entry("pool-", "in-process HTTP clients"),
            Map.entry("HttpClient", "in-process HTTP clients"),
            Map.entry("raw-predictor", "raw predictor"),
            Map.entry("data-plane", "embedded Kafka broker (harness)"),
            Map.entry("kafka", "embedded Kafka broker (harness)"),
            Map.entry("quorum", "embedded Kafka broker (harness)"),
            Map.entry("broker-", "embedded Kafka broker (harness)"),
            Map.entry("group-coord", "embedded Kafka broker (harness)"),
            Map.entry("log-", "embedded Kafka broker (harness)"),
            Map.entry("raft", "embedded Kafka broker (harness)"),
            Map.entry("ExpirationReap", "embedded Kafka broker (harness)"),
            Map.entry("transaction", "embedded Kafka broker (harness)"));

    static final String CLIENTS = "load-generating client process";
    static final String OTHERS = "other processes on the machine";

    private final Map<String, Long> ticks;

    private CpuAccount(Map<String, Long> ticks) {
        this.ticks = ticks;
    }

    /** CPU ticks spent so far, by role. */
    static CpuAccount now() {
        Map<String, Long> ticks = new TreeMap<>();
        if (!Files.isDirectory(SELF.resolve("task"))) {
            return new CpuAccount(ticks);
        }
        try (Stream<Path> tasks = Files.list(SELF.resolve("task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String comm = Files.readString(task.resolve("comm")).strip();
                    ticks.merge(role(comm), cpu(Files.readString(task.resolve("stat")), 0), Long::sum);
                } catch (IOException e) {
                    // the thread ended meanwhile: its time is lost to the account, a few ticks at most
                }
            }
            String self = Files.readString(SELF.resolve("stat"));
            ticks.put(CLIENTS, cpu(self, 2)); // cutime + cstime: children that were waited for
            long ours = ticks.values().stream().mapToLong(Long::longValue).sum();
            String[] all = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < all.length; i++) {
                if (i != 4 && i != 5) { // idle, iowait
                    busy += Long.parseLong(all[i]);
                }
            }
            ticks.put(OTHERS, busy - ours);
        } catch (IOException | RuntimeException e) {
            ticks.clear();
        }
        return new CpuAccount(ticks);
    }

    /** CPU seconds by role between {@code before} and this account. */
    Map<String, Double> since(CpuAccount before) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        ticks.forEach((role, t) -> {
            long delta = t - before.ticks.getOrDefault(role, 0L);
            if (delta > 0) {
                seconds.put(role, delta / TICKS_PER_SECOND);
            }
        });
        return seconds;
    }

    private static String role(String comm) {
        for (Map.Entry<String, String> role : ROLES) {
            if (comm.startsWith(role.getKey())) {
                return role.getValue();
            }
        }
        return "rest of the service JVM";
    }

    /** utime + stime (or, with offset 2, cutime + cstime) of a /proc stat line; the name in parentheses may hold spaces. */
    private static long cpu(String stat, int offset) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // fields[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17
        return Long.parseLong(fields[11 + offset]) + Long.parseLong(fields[12 + offset]);
    }
}
