package io.sluice.local.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Simulated users of one model: each call sends a generated image of a random class to
 * {@code POST /v2/models/{model}/predict} and then its true label to {@code POST /v2/models/{model}/feedback}.
 * Settings that change while it runs: {@link #faultyCanary} (the feedback contradicts every answer
 * of a CANARY route, so the canary's accuracy on live labels collapses while stable's stays high —
 * a model that is worse on live data) and {@link #brightness} (inputs brighter than the training
 * data: drift).
 *
 * <p>Like a well-behaved client it holds back while the model's metadata says it is not ready (a
 * version that just got weight is still loading), re-reading the metadata every 200 ms.
 *
 * <p>At a release's last step the canary answers 100 % and the stable version serves nothing, so
 * monitoring would have no baseline to compare with; the driver then sends every other call pinned
 * to the stable version ({@code /v2/models/{model}/versions/{stable}/predict}), as a caller that
 * mirrors part of its traffic to production would.
 */
public final class TrafficDriver {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final JsonMapper json = JsonMapper.builder().build();
    private final String inferenceUrl;
    private final String model;
    private final Random random;
    private volatile boolean faultyCanary;
    private volatile int brightness;
    private volatile Routes routes = new Routes(null, null, 0, true);
    private volatile long routesReadAt;
    private long calls;

    private final LongAdder answered = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder correct = new LongAdder();
    private final Map<String, AtomicLong> perVersion = new ConcurrentHashMap<>();
    private volatile String lastFailure = "";

    /** Who serves now, as the inference service's model metadata says. */
    record Routes(String stable, String canary, int canaryWeight, boolean ready) {}

    public TrafficDriver(String inferenceUrl, String model, long seed) {
        this.inferenceUrl = inferenceUrl.endsWith("/") ? inferenceUrl.substring(0, inferenceUrl.length() - 1) : inferenceUrl;
        this.model = model;
        this.random = new Random(seed);
    }

    /** From now on, contradict (or stop contradicting) the answers of the canary in the feedback. */
    public void faultyCanary(boolean on) {
        faultyCanary = on;
    }

    /** From now on, add this much brightness to every input (0: like the training data). */
    public void brightness(int shift) {
        brightness = shift;
    }

    /** Sends {@code n} predictions, each followed by its feedback. */
    public void send(int n) {
        for (int i = 0; i < n; i++) {
            call();
        }
    }

    /** One prediction and its feedback; a failure is counted, never thrown. */
    public void call() {
        String label = SyntheticImages.CLASSES.get(random.nextInt(SyntheticImages.CLASSES.size()));
        byte[] image = SyntheticImages.png(label, random, brightness);
        try {
            Routes now = routes();
            // like a well-behaved client, hold back while the model says it is not ready (a new version still loading)
            for (int wait = 0; !now.ready() && wait < 50; wait++) {
                Thread.sleep(100);
                now = routes();
            }
            String path = "/v2/models/" + model;
            if (now.canary() != null && now.canaryWeight() >= 100 && now.stable() != null && (calls++ % 2 == 0)) {
                path += "/versions/" + now.stable();
            }
            HttpResponse<String> response = http.send(multipart(inferenceUrl + path + "/predict", image),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                fail("predict " + response.statusCode() + ": " + response.body());
                return;
            }
            JsonNode answer = json.readTree(response.body());
            String predicted = answer.path("label").asString();
            String version = answer.path("modelVersion").asString();
            boolean canary = "CANARY".equals(answer.path("role").asString());
            answered.increment();
            perVersion.computeIfAbsent(version + (canary ? " (canary)" : ""), v -> new AtomicLong()).incrementAndGet();
            if (predicted.equals(label)) {
                correct.increment();
            }
            String trueLabel = label;
            if (canary && faultyCanary) {
                // a label the canary did not answer: on live data it is always wrong
                int at = SyntheticImages.CLASSES.indexOf(predicted);
                trueLabel = SyntheticImages.CLASSES.get((Math.max(at, 0) + 1) % SyntheticImages.CLASSES.size());
            }
            String body = json.writeValueAsString(Map.of("requestId", answer.path("requestId").asString(), "trueLabel", trueLabel));
            HttpResponse<String> fed = http.send(HttpRequest.newBuilder(URI.create(inferenceUrl + "/v2/models/" + model + "/feedback"))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (fed.statusCode() / 100 != 2) {
                fail("feedback " + fed.statusCode() + ": " + fed.body());
            }
        } catch (IOException | RuntimeException e) {
            fail(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True when the model answers: {@code GET /v2/models/{model}/ready} is 200. */
    public boolean ready() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(inferenceUrl + "/v2/models/" + model + "/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A one-line summary of what was sent so far. */
    public String summary() {
        long n = answered.sum();
        return String.format(java.util.Locale.ROOT, "%d answered (%s), %d failed, %.1f %% correct%s", n,
                new java.util.TreeMap<>(perVersion), failed.sum(), n == 0 ? 0.0 : 100.0 * correct.sum() / n,
                lastFailure.isEmpty() ? "" : "; last failure: " + lastFailure);
    }

    public long answered() {
        return answered.sum();
    }

    private void fail(String why) {
        failed.increment();
        lastFailure = why.length() > 200 ? why.substring(0, 200) : why;
    }

    /** The routing table as inference sees it, re-read at most every 200 ms. */
    private Routes routes() {
        long now = System.nanoTime();
        if (now - routesReadAt < 200_000_000L) {
            return routes;
        }
        routesReadAt = now;
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(inferenceUrl + "/v2/models/" + model))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                String stable = null;
                String canary = null;
                int weight = 0;
                JsonNode parameters = json.readTree(response.body()).path("parameters");
                for (JsonNode route : parameters.path("loaded")) {
                    String role = route.path("role").asString();
                    if (role.equals("STABLE")) {
                        stable = route.path("version").asString();
                    } else if (role.equals("CANARY")) {
                        canary = route.path("version").asString();
                        weight = route.path("weight").asInt();
                    }
                }
                routes = new Routes(stable, canary, weight, parameters.path("ready").asBoolean(true));
            }
        } catch (IOException | RuntimeException e) {
            // keep the last known routes
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return routes;
    }

    private static HttpRequest multipart(String url, byte[] png) {
        String boundary = "sluice-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream(png.length + 256);
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"image.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        body.writeBytes(head);
        body.writeBytes(png);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
    }
}
