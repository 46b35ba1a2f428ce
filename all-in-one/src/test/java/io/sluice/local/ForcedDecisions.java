package io.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

import javax.imageio.ImageIO;

import org.apache.avro.specific.SpecificRecord;

import io.sluice.events.AnalysisWindow;
import io.sluice.events.CanaryHealthy;
import io.sluice.events.CanaryInconclusive;
import io.sluice.events.DeploymentState;
import io.sluice.events.PredictionOutcome;
import io.sluice.events.PredictionServed;
import io.sluice.events.RouteRole;
import io.sluice.local.demo.SyntheticImages;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 12's forced decisions replayed from outside through the public HTTP API of a running stack
 * ({@link EndToEndTests}' own): a caller's oversized requests on a canary, non-finite and far out-of-range
 * inputs, a burst of big valid images in the production watch — and what the event log must show for each
 * (the caller's requests recorded as its own fault, verdicts that left them out, steps judged on their own
 * traffic) or must not show (checked up to a later positive event, never after a fixed wait).
 */
final class ForcedDecisions {

    /** The replay: 125 requests to the canary's own {@code /versions/<v>/infer}. */
    static final int OVERSIZED_REQUESTS = 125;
    /** Inputs per oversized request: more than a version's queue (512) can ever take. */
    static final int OVERSIZED_ROWS = 600;
    /** The burst: about 30 valid 4096 × 4096 PNGs within the production watch. */
    static final int BURST = 30;
    static final int BURST_SIDE = 4096;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = JsonMapper.builder().build();
    private final String inference;
    private final String monitoring;
    private final Path dataDir;
    private final String model;
    private final EventLog events;

    ForcedDecisions(String inferenceUrl, String monitoringUrl, Path dataDir, String model, EventLog events) {
        this.inference = inferenceUrl;
        this.monitoring = monitoringUrl;
        this.dataDir = dataDir;
        this.model = model;
        this.events = events;
    }

    /** Waits until {@code GET /v2/models/{model}/versions/{version}/ready} says 200 (the version answers). */
    void awaitVersionReady(String version) {
        await("version " + version + " ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> get(inference + "/v2/models/" + model + "/versions/" + version + "/ready", Map.of()).statusCode() == 200);
    }

    /**
     * (a) {@value #OVERSIZED_REQUESTS} requests of {@value #OVERSIZED_ROWS} inputs of the model's own shape to the
     * canary's {@code /versions/<v>/infer}, four callers at once: each is a 413 problem detail without
     * {@code Retry-After} (the caller's fault; retrying cannot help).
     */
    void oversizedOnCanary(String canary) throws Exception {
        String body = tensor(OVERSIZED_ROWS, "0"); // the shortest valid number: the service parses every value before it can refuse
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < OVERSIZED_REQUESTS; i++) {
                String id = "oversized-" + i;
                calls.add(callers.submit(() -> post(inference + "/v2/models/" + model + "/versions/" + canary + "/infer", id,
                        "application/json", body.getBytes(StandardCharsets.UTF_8))));
            }
            for (Future<HttpResponse<String>> call : calls) {
                HttpResponse<String> answer = call.get();
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(413);
                assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
                assertThat(answer.headers().firstValue("Retry-After")).as("retrying cannot help").isEmpty();
            }
        } finally {
            callers.shutdownNow();
        }
    }

    /**
     * After (a): every oversized request was recorded as the caller's fault against the canary, and the canary's
     * verdicts left them out ({@code excluded} client-error) instead of counting them as its errors.
     */
    void assertOversizedLeftOut(String canary) {
        List<PredictionServed> served = awaitTelemetry(e -> e.getRequestId().startsWith("oversized-"), OVERSIZED_REQUESTS);
        assertThat(served).allSatisfy(e -> {
            assertThat(e.getModelVersion()).isEqualTo(canary); // its role is CANARY unless a loaded machine made it outlast the release
            assertThat(e.getOutcome()).isEqualTo(PredictionOutcome.CLIENT_ERROR);
            assertThat(e.getErrorType()).isEqualTo("oversized");
        });
        List<AnalysisWindow> windows = new ArrayList<>();
        for (EventLog.Entry entry : events.snapshot()) {
            if (entry.event() instanceof CanaryHealthy h && h.getModelName().equals(model) && h.getCanaryVersion().equals(canary)) {
                windows.add(h.getWindow());
            } else if (entry.event() instanceof CanaryInconclusive i && i.getModelName().equals(model) && i.getCanaryVersion().equals(canary)) {
                windows.add(i.getWindow());
            }
        }
        assertThat(windows).as("the canary's verdicts name the caller's errors they left out")
                .anySatisfy(w -> assertThat(w.getExcluded()).containsKey("client-error"));
    }

    /**
     * (b) One {@code /infer} whose every value is 1e20 (far outside pixels in [0, 1]) and one of 3e38 (finite as FP32,
     * infinite once normalised): each a 400 problem detail, recorded as the caller's fault without input statistics.
     */
    void outOfRangeInputs() throws Exception {
        Map<String, String> refused = Map.of("huge-input", "1e20", "overflow-input", "3e38");
        for (Map.Entry<String, String> input : refused.entrySet()) {
            HttpResponse<String> answer = post(inference + "/v2/models/" + model + "/infer", input.getKey(), "application/json",
                    tensor(1, input.getValue()).getBytes(StandardCharsets.UTF_8));
            assertThat(answer.statusCode()).as(input.getValue() + ": " + answer.body()).isEqualTo(400);
            assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        }
        assertThat(awaitTelemetry(e -> refused.containsKey(e.getRequestId()), refused.size())).allSatisfy(e -> {
            assertThat(e.getOutcome()).isEqualTo(PredictionOutcome.CLIENT_ERROR);
            assertThat(e.getInputStats()).as("nothing for drift").isEmpty();
        });
    }

    /**
     * (c) {@value #BURST} valid {@value #BURST_SIDE} × {@value #BURST_SIDE} PNGs (the three classes' patterns, scaled
     * up) to {@code /predict}, one after another: every one answered.
     *
     * @return when the last was answered
     */
    Instant bigInputBurst() throws Exception {
        List<byte[]> images = SyntheticImages.CLASSES.stream().map(ForcedDecisions::bigPng).toList();
        for (int i = 0; i < BURST; i++) {
            byte[] png = images.get(i % images.size());
            String boundary = "sluice-" + UUID.randomUUID();
            ByteArrayOutputStream body = new ByteArrayOutputStream(png.length + 256);
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.png\"\r\n"
                    + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            body.writeBytes(png);
            body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
            HttpResponse<String> answer = post(inference + "/v2/models/" + model + "/predict", "burst-" + i,
                    "multipart/form-data; boundary=" + boundary, body.toByteArray());
            assertThat(answer.statusCode()).as("big image %d: %s", i, answer.body()).isEqualTo(200);
        }
        return Instant.now();
    }

    /**
     * After (c): monitoring's production check of {@code version} (shown by {@code GET /monitoring/{model}}) judged
     * the traffic since the promotion, the burst included, HEALTHY.
     */
    void awaitProductionCheckHealthy(String version, Instant burstAnswered) {
        String token = adminToken();
        Instant judgedAfter = burstAnswered.plusSeconds(3); // the burst's telemetry is in monitoring's windows by then
        await("production check of " + version + " after the burst").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    HttpResponse<String> view = get(monitoring + "/monitoring/" + model, Map.of("Authorization", "Bearer " + token));
                    assertThat(view.statusCode()).as(view.body()).isEqualTo(200);
                    JsonNode check = json.readTree(view.body()).path("productionCheck");
                    assertThat(check.path("version").asString()).as(view.body()).isEqualTo(version);
                    assertThat(Instant.parse(check.path("verdict").path("at").asString())).as(view.body()).isAfter(judgedAfter);
                    assertThat(check.path("verdict").path("outcome").asString()).as(view.body()).isEqualTo("HEALTHY");
                });
    }

    /**
     * (d) Every healthy step of {@code canary} was judged on its own traffic: the verdict's window starts when the
     * step's routing-table entry was written, names that entry's revision (older requests left out), and was
     * published no earlier than {@code minStepDuration} after the step began.
     */
    void assertStepsJudgedOnOwnTraffic(String canary, int steps, Duration minStepDuration) {
        List<EventLog.Entry> log = events.snapshot();
        long previousRevision = -1;
        for (int step = 0; step < steps; step++) {
            int index = step;
            CanaryHealthy verdict = log.stream().map(EventLog.Entry::event).filter(e -> e instanceof CanaryHealthy h
                    && h.getModelName().equals(model) && h.getCanaryVersion().equals(canary) && h.getStepIndex() == index)
                    .map(CanaryHealthy.class::cast).findFirst().orElseThrow(() -> new AssertionError("no CanaryHealthy for step " + index));
            long revision = verdict.getWindow().getRoutingRevision();
            DeploymentState entry = log.stream().map(EventLog.Entry::event).filter(e -> e instanceof DeploymentState s
                    && s.getModelName().equals(model) && s.getRevision() == revision).map(DeploymentState.class::cast).findFirst()
                    .orElseThrow(() -> new AssertionError("step " + index + "'s verdict names routing revision " + revision
                            + ", which no routing-table entry of " + model + " has"));
            assertThat(entry.getStepIndex()).as("the revision of step %d", index).isEqualTo(index);
            assertThat(entry.getRoutes()).as("revision %d routes to the canary", revision)
                    .anySatisfy(r -> {
                        assertThat(r.getVersion()).isEqualTo(canary);
                        assertThat(r.getRole()).isEqualTo(RouteRole.CANARY);
                        assertThat(r.getWeight()).isPositive();
                    });
            assertThat(revision).as("each step has its own revision").isGreaterThan(previousRevision);
            previousRevision = revision;
            Instant stepStart = EventLog.occurredAt(entry);
            Instant windowStart = verdict.getWindow().getStart();
            assertThat(windowStart.toEpochMilli()).as("step %d's window starts with the step", index).isEqualTo(stepStart.toEpochMilli());
            assertThat(Duration.between(stepStart, EventLog.occurredAt(verdict))).as("step %d judged after its minimum duration", index)
                    .isGreaterThanOrEqualTo(minStepDuration);
        }
    }

    /** Nothing matching {@code forbidden} among the events read from position {@code from} to {@code to}. */
    void assertNoneBetween(int from, int to, Predicate<SpecificRecord> forbidden, String what) {
        List<EventLog.Entry> log = events.snapshot();
        assertThat(log.subList(from, Math.min(to, log.size())).stream().map(EventLog.Entry::event).filter(forbidden).toList())
                .as(what).isEmpty();
    }

    private List<PredictionServed> awaitTelemetry(Predicate<PredictionServed> match, int count) {
        List<PredictionServed> found = new ArrayList<>();
        await("telemetry of " + count + " requests").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).until(() -> {
            found.clear();
            events.snapshot().stream().map(EventLog.Entry::event)
                    .filter(e -> e instanceof PredictionServed p && p.getModelName().equals(model) && match.test(p))
                    .map(PredictionServed.class::cast).forEach(found::add);
            return found.size() >= count;
        });
        return List.copyOf(found);
    }

    /** A v2 infer body of {@code rows} inputs of the model's input shape (from its metadata), every value {@code value}. */
    private String tensor(int rows, String value) throws Exception {
        JsonNode shape = json.readTree(get(inference + "/v2/models/" + model, Map.of()).body()).path("inputs").path(0).path("shape");
        List<Integer> dims = new ArrayList<>(List.of(rows));
        int values = rows;
        for (int i = 1; i < shape.size(); i++) { // [-1, C, H, W]
            dims.add(shape.get(i).asInt());
            values *= shape.get(i).asInt();
        }
        assertThat(dims).as("the model's input shape, from its metadata").hasSizeGreaterThan(1);
        return "{\"inputs\":[{\"name\":\"input\",\"shape\":" + dims + ",\"datatype\":\"FP32\",\"data\":["
                + String.join(",", Collections.nCopies(values, value)) + "]}]}";
    }

    /** A grayscale PNG of one class's pattern (SyntheticImages' 16-pixel pattern scaled to the side), without noise. */
    private static byte[] bigPng(String label) {
        int scale = BURST_SIDE / 16;
        BufferedImage image = new BufferedImage(BURST_SIDE, BURST_SIDE, BufferedImage.TYPE_BYTE_GRAY);
        byte[] pixels = ((java.awt.image.DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < BURST_SIDE; y++) {
            for (int x = 0; x < BURST_SIDE; x++) {
                int cx = x / scale;
                int cy = y / scale;
                boolean on = switch (label) {
                    case "stripes" -> (cy / 2) % 2 == 0;
                    case "columns" -> (cx / 2) % 2 == 0;
                    case "checks" -> ((cx / 2) + (cy / 2)) % 2 == 0;
                    default -> throw new IllegalArgumentException("unknown class " + label);
                };
                pixels[y * BURST_SIDE + x] = (byte) (on ? 160 : 60);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private String adminToken() {
        try {
            return Files.readString(dataDir.resolve("admin-token")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> get(String url, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String requestId, String contentType, byte[] body)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).header("Content-Type", contentType)
                .header("X-Request-Id", requestId).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
