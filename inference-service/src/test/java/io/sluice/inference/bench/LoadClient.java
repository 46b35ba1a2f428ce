package io.sluice.inference.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop HTTP load generator (JDK {@code HttpClient}, one thread per unit of concurrency,
 * each sending its next request as soon as the last one is answered). The benchmark runs it in its
 * own JVM ({@code --client=jvm}) so that the clients' CPU shows up apart from the service's, or in
 * the benchmark's JVM ({@code --client=in-process}).
 *
 * <p>As a main: {@code --url=... --bodies=DIR --content-type=... --concurrency=N --seconds=S
 * --warmup-seconds=W}; the bodies are the files {@code DIR/body-*.bin}, sent in turn. Prints one line
 * {@code RESULT <ok> <errors> <seconds> <p50 µs> <p99 µs>}.
 */
public final class LoadClient {

    /** What one load point measured: answered requests (200), other answers, and the latency of the 200s in µs. */
    record Result(long ok, long errors, double seconds, long p50Micros, long p99Micros) {

        String line() {
            return String.format(Locale.ROOT, "RESULT %d %d %.6f %d %d", ok, errors, seconds, p50Micros, p99Micros);
        }

        static Result parse(String line) {
            String[] f = line.trim().split("\\s+");
            return new Result(Long.parseLong(f[1]), Long.parseLong(f[2]), Double.parseDouble(f[3]), Long.parseLong(f[4]),
                    Long.parseLong(f[5]));
        }
    }

    private LoadClient() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            String[] kv = arg.replaceFirst("^--", "").split("=", 2);
            options.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        URI url = URI.create(options.get("url"));
        List<HttpRequest> requests = new ArrayList<>();
        try (var files = Files.list(Path.of(options.get("bodies")))) {
            for (Path body : files.filter(f -> f.getFileName().toString().matches("body-\\d+\\.bin")).sorted().toList()) {
                requests.add(HttpRequest.newBuilder(url).header("Content-Type", options.get("content-type"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(body))).build());
            }
        }
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(2, daemon())).build();
        Result result = run(http, requests, Integer.parseInt(options.get("concurrency")),
                Duration.ofSeconds(Long.parseLong(options.getOrDefault("warmup-seconds", "2"))),
                Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", "8"))));
        System.out.println(result.line());
        System.exit(0);
    }

    /** Drives the requests in turn at a fixed concurrency: warm-up first (not counted), then the measured window. */
    static Result run(HttpClient http, List<HttpRequest> requests, int concurrency, Duration warmup, Duration measure)
            throws Exception {
        Recorder recorder = new Recorder(3);
        AtomicLong done = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long warmEnd = System.nanoTime() + warmup.toNanos();
        long end = warmEnd + measure.toNanos();
        ExecutorService clients = Executors.newFixedThreadPool(concurrency, daemon());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < concurrency; c++) {
                int offset = c;
                running.add(clients.submit(() -> {
                    int i = offset;
                    while (true) {
                        long t = System.nanoTime();
                        if (t >= end) {
                            return null;
                        }
                        HttpResponse<Void> response = http.send(requests.get(i++ % requests.size()), HttpResponse.BodyHandlers.discarding());
                        long now = System.nanoTime();
                        if (t >= warmEnd && now <= end) {
                            if (response.statusCode() == 200) {
                                recorder.recordValue((now - t) / 1_000);
                                done.incrementAndGet();
                            } else {
                                errors.incrementAndGet();
                            }
                        }
                    }
                }));
            }
            for (Future<?> future : running) {
                future.get();
            }
        } finally {
            clients.shutdownNow();
        }
        Histogram latencies = recorder.getIntervalHistogram();
        return new Result(done.get(), errors.get(), measure.toNanos() / 1e9, latencies.getValueAtPercentile(50),
                latencies.getValueAtPercentile(99));
    }

    private static java.util.concurrent.ThreadFactory daemon() {
        return r -> {
            Thread thread = new Thread(r);
            thread.setDaemon(true);
            return thread;
        };
    }
}
