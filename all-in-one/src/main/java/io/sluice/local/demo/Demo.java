package io.sluice.local.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import io.sluice.platform.local.LocalStackFile;
import io.sluice.platform.local.LocalStackLocation;

/**
 * {@code ./sluice demo}: against a running local stack ({@code ./sluice up} in another terminal),
 * uploads a new version of a generated image dataset, waits until the model is served, then sends
 * simulated traffic with feedback labels until Ctrl-C (or {@code --duration}). The first run yields
 * the first model (released at once); each later run yields a new version released as a canary.
 * {@code --fault} contradicts the canary's answers in the feedback, so monitoring finds it degraded
 * and the deployment service rolls it back; {@code --drift} brightens the inputs, so monitoring
 * finds drift and requests retraining.
 */
public final class Demo {

    static final String USAGE = """
            usage: ./sluice demo [--fault] [--drift] [--model NAME] [--per-class N] [--duration SECONDS]
                                 [--no-upload] [--data-dir DIR] [--inference-url URL]

              Needs the local stack running (./sluice up in another terminal). Uploads a new version of a
              generated 3-class image dataset (16x16 PNGs: checks, columns, stripes) to the raw bucket, waits
              until the model is served, then sends predictions with feedback labels until Ctrl-C.
              The first run serves the first model; every further run releases a new version as a canary.
                --fault    the feedback contradicts every answer of the canary: it degrades and is rolled back
                --drift    inputs are brighter than the training data: drift, then a retraining request
              Watch it in the console (http://localhost:8080) or with ./sluice events --follow.
            """;

    private Demo() {}

    public static void main(String[] args) throws Exception {
        boolean fault = false;
        boolean drift = false;
        boolean upload = true;
        String model = "shapes";
        int perClass = 120;
        long duration = 0;
        Path dataDir = null;
        String inferenceUrl = System.getenv("SLUICE_INFERENCE_URL");
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--fault" -> fault = true;
                    case "--drift" -> drift = true;
                    case "--no-upload" -> upload = false;
                    case "--model" -> model = args[++i];
                    case "--per-class" -> perClass = Integer.parseInt(args[++i]);
                    case "--duration" -> duration = Long.parseLong(args[++i]);
                    case "--data-dir" -> dataDir = Path.of(args[++i]);
                    case "--inference-url" -> inferenceUrl = args[++i];
                    case "--home" -> i++; // passed by the sluice script
                    case "-h", "--help" -> {
                        System.out.print(USAGE);
                        return;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            System.err.println("sluice demo: " + (e.getMessage() == null ? "missing value" : e.getMessage()));
            System.err.print(USAGE);
            System.exit(2);
        }
        if (dataDir == null) {
            // the stack that runs (SLUICE_DATA_DIR, else the one started last), as the CLI finds it
            LocalStackLocation location = LocalStackLocation.resolve(System.getenv(), Path.of(System.getProperty("user.home")));
            try {
                LocalStackFile stack = location.require();
                dataDir = stack.dataDir();
                if (inferenceUrl == null) {
                    inferenceUrl = stack.urls().get("inference-service");
                }
            } catch (IllegalStateException none) {
                System.err.println("sluice demo: " + none.getMessage());
                System.exit(1);
            }
        }
        if (inferenceUrl == null) {
            inferenceUrl = "http://localhost:8082";
        }
        TrafficDriver driver = new TrafficDriver(inferenceUrl, model, System.nanoTime());
        if (!reachable(inferenceUrl)) {
            System.err.println("sluice demo: no inference service at " + inferenceUrl + "; start the stack first with ./sluice up");
            System.exit(1);
        }
        boolean servedBefore = driver.ready();
        if (upload) {
            String prefix = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
            int n = SyntheticImages.upload(dataDir.toAbsolutePath(), model, prefix, perClass, System.nanoTime());
            System.out.printf("demo: uploaded %d generated images to %s/buckets/%s/datasets/%s/ and wrote %s%n", n, dataDir,
                    SyntheticImages.RAW_BUCKET, model, SyntheticImages.MARKER);
            System.out.println(servedBefore
                    ? "demo: " + model + " is already served: this upload trains a new version, released as a canary"
                    : "demo: ingest → training → evaluation → release; first model in about a minute or two");
        }
        System.out.println("demo: watch it at http://localhost:8080 or with ./sluice events --follow");
        long waitStarted = System.nanoTime();
        while (!driver.ready()) {
            if (System.nanoTime() - waitStarted > Duration.ofMinutes(15).toNanos()) {
                System.err.println("sluice demo: " + model + " was not served within 15 minutes; see ./sluice events and the logs");
                System.exit(1);
            }
            Thread.sleep(2000);
        }
        System.out.printf("demo: %s is served (%.0f s); sending predictions with feedback%s%s — Ctrl-C stops%n", model,
                (System.nanoTime() - waitStarted) / 1e9, fault ? ", contradicting every answer of a canary" : "",
                drift ? ", with brightened (drifted) inputs" : "");
        driver.faultyCanary(fault);
        driver.brightness(drift ? 90 : 0);
        long started = System.nanoTime();
        long lastReport = started;
        while (duration == 0 || System.nanoTime() - started < Duration.ofSeconds(duration).toNanos()) {
            driver.call();
            if (System.nanoTime() - lastReport > 5_000_000_000L) {
                lastReport = System.nanoTime();
                System.out.println("demo: " + driver.summary());
            }
        }
        System.out.println("demo: " + driver.summary());
    }

    private static boolean reachable(String inferenceUrl) {
        try {
            var http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(inferenceUrl + "/v2/health/live"))
                    .timeout(Duration.ofSeconds(5)).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
