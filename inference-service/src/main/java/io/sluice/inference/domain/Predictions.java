package io.sluice.inference.domain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Answers requests: picks the version by the routing table (or the pinned one), queues the inputs
 * for its batcher, mirrors them to every ready shadow version without waiting for it, and records
 * telemetry for every input, answered or not.
 */
public final class Predictions {

    private final RoutingTable table;
    private final ModelHost host;
    private final TelemetrySink telemetry;
    private final Duration timeout;

    /**
     * @param timeout longest a request waits for its batch to run before it fails
     */
    public Predictions(RoutingTable table, ModelHost host, TelemetrySink telemetry, Duration timeout) {
        this.table = table;
        this.host = host;
        this.telemetry = telemetry;
        this.timeout = timeout;
    }

    /**
     * Answers one request.
     *
     * @throws UnknownModelException  when the table names no such model or pinned version (404)
     * @throws InvalidInputException  when the payload does not fit the version's input (400)
     * @throws UnavailableException   when the version is not ready or its queue is full (503/429)
     */
    public Answer predict(InferenceRequest request) {
        long start = System.nanoTime();
        ModelRoutes routes = table.get(request.model())
                .orElseThrow(() -> new UnknownModelException("unknown model '" + request.model() + "'"));
        Route route = request.version() != null
                ? routes.route(request.version()).orElseThrow(() -> new UnknownModelException(
                        "model '" + request.model() + "' has no version '" + request.version() + "' in its routing table"))
                : readyOrFallback(request.model(), routes, routes.pick(request.routingKey()).orElseThrow(() -> new UnavailableException(
                        "no version of '" + request.model() + "' has weight", false, Duration.ofSeconds(5))));
        ServedModel served = host.served(request.model(), route.version()).orElse(null);
        Batcher batcher = host.batcher(request.model(), route.version()).orElse(null);
        if (served == null || batcher == null) {
            String why = host.version(request.model(), route.version())
                    .map(v -> v.state() == HostedVersion.State.FAILED ? "failed to load: " + v.reason() : "is loading")
                    .orElse("is not loaded");
            record(request, route, Outcome.REJECTED, start, 0, null, Map.of(), "not-ready");
            throw new UnavailableException(request.model() + ":" + route.version() + " " + why, false, Duration.ofSeconds(5));
        }
        List<float[]> inputs;
        try {
            inputs = served.inputs(request.payload());
        } catch (InvalidInputException e) {
            record(request, route, Outcome.CLIENT_ERROR, start, 0, null, Map.of(), "invalid-input");
            throw e;
        }
        List<CompletableFuture<Batcher.Result>> pending = new ArrayList<>(inputs.size());
        try {
            for (float[] input : inputs) {
                pending.add(batcher.submit(input));
            }
        } catch (UnavailableException e) {
            pending.forEach(f -> f.cancel(false));
            record(request, route, Outcome.REJECTED, start, 0, null, Map.of(), e.overloaded() ? "overloaded" : "not-ready");
            throw e;
        }
        shadow(request, routes, start);
        List<Scores> scores = new ArrayList<>(inputs.size());
        int batchSize = 0;
        long deadline = start + timeout.toNanos();
        for (int row = 0; row < pending.size(); row++) {
            Batcher.Result result;
            try {
                result = pending.get(row).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                if (cause instanceof UnavailableException unavailable) {
                    record(request, route, Outcome.REJECTED, start, 0, null, Map.of(), "not-ready");
                    throw unavailable;
                }
                record(request, route, Outcome.SERVER_ERROR, start, 0, null, Map.of(), cause.getClass().getSimpleName());
                throw new IllegalStateException(request.model() + ":" + route.version() + " failed: " + cause.getMessage(), cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            scores.add(result.scores());
            batchSize = Math.max(batchSize, result.batchSize());
        }
        long latency = micros(start);
        for (int row = 0; row < scores.size(); row++) {
            Scores s = scores.get(row);
            telemetry.record(new Served(rowId(request.requestId(), row), request.model(), route.version(), route.role(), Outcome.OK,
                    latency, batchSize, s.label(), (double) s.confidence(), served.inputStats(inputs.get(row)), null));
        }
        return new Answer(request.requestId(), request.model(), route.version(), route.role(), served.info().classNames(), scores,
                batchSize);
    }

    /**
     * The picked route when its version is ready; otherwise a ready answering route, stable first.
     * A version gets weight as soon as the routing table names it, possibly before this replica
     * has loaded it: its share of traffic goes to a ready version meanwhile rather than failing,
     * so a canary is never judged on "still loading" rejections.
     */
    private Route readyOrFallback(String model, ModelRoutes routes, Route picked) {
        if (host.served(model, picked.version()).isPresent()) {
            return picked;
        }
        return routes.answering().stream()
                .filter(r -> host.served(model, r.version()).isPresent())
                .min(java.util.Comparator.comparing((Route r) -> r.role() != Role.STABLE).thenComparing(r -> -r.weight()))
                .orElse(picked);
    }

    /** Mirrors the request to every ready shadow; their answers go to telemetry only, and a full queue drops the copy. */
    private void shadow(InferenceRequest request, ModelRoutes routes, long start) {
        if (request.version() != null) {
            return; // a pinned call is a caller's own experiment, not production traffic
        }
        for (Route shadow : routes.shadows()) {
            ServedModel served = host.served(request.model(), shadow.version()).orElse(null);
            Batcher batcher = host.batcher(request.model(), shadow.version()).orElse(null);
            if (served == null || batcher == null) {
                continue;
            }
            List<float[]> inputs;
            try {
                inputs = served.inputs(request.payload());
            } catch (InvalidInputException e) {
                record(request, shadow, Outcome.CLIENT_ERROR, start, 0, null, Map.of(), "invalid-input");
                continue;
            }
            for (int row = 0; row < inputs.size(); row++) {
                String id = rowId(request.requestId(), row);
                float[] input = inputs.get(row);
                try {
                    batcher.submit(input).whenComplete((result, error) -> telemetry.record(error == null
                            ? new Served(id, request.model(), shadow.version(), Role.SHADOW, Outcome.OK, micros(start),
                                    result.batchSize(), result.scores().label(), (double) result.scores().confidence(),
                                    served.inputStats(input), null)
                            : new Served(id, request.model(), shadow.version(), Role.SHADOW, Outcome.SERVER_ERROR, micros(start), 0,
                                    null, null, Map.of(), error.getClass().getSimpleName())));
                } catch (UnavailableException e) {
                    telemetry.record(new Served(id, request.model(), shadow.version(), Role.SHADOW, Outcome.REJECTED, micros(start), 0,
                            null, null, Map.of(), "overloaded"));
                }
            }
        }
    }

    private void record(InferenceRequest request, Route route, Outcome outcome, long start, int batchSize, Scores scores,
                        Map<String, Double> stats, String errorType) {
        telemetry.record(new Served(request.requestId(), request.model(), route.version(), route.role(), outcome, micros(start),
                batchSize, scores == null ? null : scores.label(), scores == null ? null : (double) scores.confidence(), stats,
                errorType));
    }

    private static String rowId(String requestId, int row) {
        return row == 0 ? requestId : requestId + "#" + row;
    }

    private static long micros(long start) {
        return (System.nanoTime() - start) / 1_000;
    }
}
