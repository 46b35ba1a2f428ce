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
 * Answers requests: picks the version by the routing table (or the pinned one), checks the inputs
 * against what the version was trained on, queues them for its batcher, mirrors them to every ready
 * shadow version without waiting for it, and records telemetry for every input, answered or not,
 * saying whose outcome it was: the caller's ({@link Outcome#CLIENT_ERROR}), a capacity refusal
 * ({@link Outcome#REJECTED}) or the model's ({@link Outcome#SERVER_ERROR}).
 */
public final class Predictions {

    /** Error type of an answer whose probabilities are not finite numbers. */
    static final String NON_FINITE_OUTPUT = "non-finite-output";

    private final RoutingTable table;
    private final ModelHost host;
    private final TelemetrySink telemetry;
    private final Duration timeout;
    private final InputGuard guard;

    /** One request as it is being answered: what telemetry says about every input of it. */
    private record Call(InferenceRequest request, long revision, long start) {}

    /**
     * @param timeout longest a request waits for its batch to run before it fails
     * @param guard   what happens to inputs outside the range a version was trained on
     */
    public Predictions(RoutingTable table, ModelHost host, TelemetrySink telemetry, Duration timeout, InputGuard guard) {
        this.table = table;
        this.host = host;
        this.telemetry = telemetry;
        this.timeout = timeout;
        this.guard = guard;
    }

    /**
     * One KServe v2 infer call, as every protocol makes it (REST and gRPC run this one path): an unknown model is refused
     * whatever the body, a request past the queue-wait bound is shed before its body is decoded, the declared shape is
     * judged before its values are converted, then the tensor is routed, batched and answered with telemetry
     * ({@link #predict}).
     *
     * @param version        a pinned version, or null for the routing table's choice
     * @param routingKey     keeps a caller on one version, or null
     * @param givenRequestId the id the call's metadata names (a header), or null; the body's id wins over it
     * @param arrived        {@link System#nanoTime()} when the call arrived, before its body was read
     * @throws UnknownModelException when the table names no such model or pinned version
     * @throws InvalidInputException  when the body is not one valid tensor or the version refuses it ({@link TooLargeException}
     *                                 for too many inputs), as {@link #checkShape} and {@link #predict}
     * @throws UnavailableException   when shed before decoding, or refused for capacity or readiness by {@link #predict}
     */
    public Answer infer(String model, String version, String routingKey, String givenRequestId, long arrived, TensorSource body) {
        table.get(model).orElseThrow(() -> new UnknownModelException("unknown model '" + model + "'"));
        admit(() -> RequestIds.safe(givenRequestId) ? givenRequestId : RequestIds.fresh(), model, version, arrived);
        TensorSource.Decoded decoded = body.read((id, shape) -> checkShape(
                new InferenceRequest(RequestIds.of(id != null ? id : givenRequestId), model, version, routingKey, null, arrived), shape));
        String requestId = RequestIds.of(decoded.id() != null ? decoded.id() : givenRequestId);
        return predict(new InferenceRequest(requestId, model, version, routingKey, decoded.tensor(), arrived));
    }

    /**
     * Sheds a request before its body is read when the version it would go to is already past the queue-wait bound
     * (a pinned version; otherwise every ready answering version with weight): reading and parsing a body that will be
     * refused only adds to the overload. Does nothing when a version could take it or none is ready ({@link #predict}
     * then decides).
     *
     * @param requestId the id its telemetry gets if it is shed (the body, which may name one, is not read then)
     * @param arrived   {@link System#nanoTime()} when the request arrived
     * @throws UnavailableException (shed) after recording its telemetry
     */
    public void admit(java.util.function.Supplier<String> requestId, String model, String version, long arrived) {
        ModelRoutes routes = table.get(model).orElse(null);
        if (routes == null) {
            return;
        }
        List<Route> candidates = version != null ? routes.route(version).stream().toList() : routes.weighted();
        Route refusing = null;
        UnavailableException refusal = null;
        for (Route route : candidates) {
            Batcher batcher = host.batcher(model, route.version()).orElse(null);
            if (batcher == null) {
                continue;
            }
            java.util.Optional<UnavailableException> shed = batcher.shedding(1, arrived);
            if (shed.isEmpty()) {
                return;
            }
            if (refusal == null) {
                refusing = route;
                refusal = shed.get();
            }
        }
        if (refusal != null) {
            String id = requestId.get();
            Call call = new Call(new InferenceRequest(id, model, version, null, null, arrived), routes.revision(), arrived);
            telemetry.record(refused(call, id, refusing, Outcome.REJECTED, 0, refusal.reason().kind()));
            throw refusal;
        }
    }

    /**
     * Refuses a tensor by its declared shape alone, before its values are read: more inputs than the version's queue can
     * ever take (413) or a shape that does not fit the version's input (400), with the telemetry {@link #predict} would
     * record. The version is the one {@link #predict} would choose (the pinned one, or the routed one when ready); does
     * nothing when none is ready ({@link #predict} then decides).
     *
     * @param request the request as known before its body is read (no payload)
     * @throws TooLargeException     when the shape holds more inputs than the version's queue takes
     * @throws InvalidInputException when the shape does not fit the version's input
     */
    public void checkShape(InferenceRequest request, long[] shape) {
        ModelRoutes routes = table.get(request.model()).orElse(null);
        if (routes == null) {
            return;
        }
        Route route = request.version() != null ? routes.route(request.version()).orElse(null)
                : routes.pick(request.routingKey()).map(picked -> readyOrFallback(request.model(), routes, picked)).orElse(null);
        ServedModel served = route == null ? null : host.served(request.model(), route.version()).orElse(null);
        Batcher batcher = route == null ? null : host.batcher(request.model(), route.version()).orElse(null);
        if (served == null || batcher == null) {
            return;
        }
        Call call = new Call(request, routes.revision(), request.arrived());
        long elements = 1;
        for (long size : shape) {
            elements *= size;
        }
        try {
            long rows = served.info().rows(shape);
            if (rows > batcher.capacity()) {
                throw new TooLargeException("the request holds " + rows + " inputs; a version's queue takes at most "
                        + batcher.capacity() + ": split it into smaller requests");
            }
        } catch (InvalidInputException e) {
            long size = shape.length > served.info().inputShape().size() && shape[0] > 0 ? elements / shape[0] : elements;
            telemetry.record(refused(call, request.requestId(), route, Outcome.CLIENT_ERROR, size, e.kind()));
            throw e;
        }
    }

    /**
     * Answers one request.
     *
     * @throws UnknownModelException  when the table names no such model or pinned version (404)
     * @throws TooLargeException      when the request holds more inputs than the version's queue can ever take (413)
     * @throws InvalidInputException  when the payload does not fit the version's input, is not finite, or is refused as
     *                                out of the trained range (400)
     * @throws UnavailableException   when the version is not ready, its queue is full or the queue wait passed its bound (503)
     */
    public Answer predict(InferenceRequest request) {
        long start = request.arrived();
        ModelRoutes routes = table.get(request.model())
                .orElseThrow(() -> new UnknownModelException("unknown model '" + request.model() + "'"));
        Call call = new Call(request, routes.revision(), start);
        Route route = request.version() != null
                ? routes.route(request.version()).orElseThrow(() -> new UnknownModelException(
                        "model '" + request.model() + "' has no version '" + request.version() + "' in its routing table"))
                : readyOrFallback(request.model(), routes, routes.pick(request.routingKey()).orElseThrow(() -> new UnavailableException(
                        "no version of '" + request.model() + "' has weight", UnavailableException.Reason.NOT_READY, Duration.ofSeconds(5))));
        ServedModel served = host.served(request.model(), route.version()).orElse(null);
        Batcher batcher = host.batcher(request.model(), route.version()).orElse(null);
        if (served == null || batcher == null) {
            String why = host.version(request.model(), route.version())
                    .map(v -> v.state() == HostedVersion.State.FAILED ? "failed to load: " + v.reason() : "is loading")
                    .orElse("is not loaded");
            telemetry.record(refused(call, call.request().requestId(), route, Outcome.REJECTED, 0,
                    UnavailableException.Reason.NOT_READY.kind()));
            throw new UnavailableException(request.model() + ":" + route.version() + " " + why, UnavailableException.Reason.NOT_READY,
                    Duration.ofSeconds(5));
        }
        long size = served.receivedSize(request.payload());
        List<float[]> inputs;
        String flag;
        List<CompletableFuture<Batcher.Result>> pending;
        try {
            inputs = served.inputs(request.payload());
            flag = guard.check(inputs, served.info());
            pending = batcher.submitAll(inputs, start);
        } catch (InvalidInputException e) {
            telemetry.record(refused(call, call.request().requestId(), route, Outcome.CLIENT_ERROR, size, e.kind()));
            throw e;
        } catch (UnavailableException e) {
            telemetry.record(refused(call, call.request().requestId(), route, Outcome.REJECTED, size, e.reason().kind()));
            throw e;
        }
        shadow(call, routes, pending);
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
                    telemetry.record(refused(call, call.request().requestId(), route, Outcome.REJECTED, size, unavailable.reason().kind()));
                    throw unavailable;
                }
                telemetry.record(refused(call, call.request().requestId(), route, Outcome.SERVER_ERROR, size,
                        cause.getClass().getSimpleName()));
                throw new IllegalStateException(request.model() + ":" + route.version() + " failed: " + cause.getMessage(), cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            if (!finite(result.scores())) {
                // an input inside the trained range that yields no probabilities is the model's failure; a flagged one the caller's
                Outcome outcome = flag == null ? Outcome.SERVER_ERROR : Outcome.CLIENT_ERROR;
                telemetry.record(refused(call, call.request().requestId(), route, outcome, size,
                        flag == null ? NON_FINITE_OUTPUT : InvalidInputException.NON_FINITE));
                String message = request.model() + ":" + route.version() + " answered no finite probabilities for row " + row;
                if (flag == null) {
                    throw new IllegalStateException(message);
                }
                throw new InvalidInputException(InvalidInputException.NON_FINITE, message + ": the input is too far outside the training range");
            }
            scores.add(result.scores());
            batchSize = Math.max(batchSize, result.batchSize());
        }
        long latency = micros(start);
        for (int row = 0; row < scores.size(); row++) {
            Scores s = scores.get(row);
            telemetry.record(new Served(rowId(request.requestId(), row), request.model(), route.version(), route.role(), Outcome.OK,
                    latency, batchSize, s.label(), (double) s.confidence(), flag == null ? served.inputStats(inputs.get(row)) : Map.of(),
                    null, call.revision(), size, flag, null));
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

    /**
     * Mirrors the request to every ready shadow; their answers go to telemetry only, each compared with the answer
     * the answering version gave for the same input, and a shadow that cannot take the copy drops it.
     */
    private void shadow(Call call, ModelRoutes routes, List<CompletableFuture<Batcher.Result>> answered) {
        InferenceRequest request = call.request();
        if (request.version() != null) {
            return; // a pinned call is a caller's own experiment, not production traffic
        }
        for (Route shadow : routes.shadows()) {
            ServedModel served = host.served(request.model(), shadow.version()).orElse(null);
            Batcher batcher = host.batcher(request.model(), shadow.version()).orElse(null);
            if (served == null || batcher == null) {
                continue;
            }
            long size = served.receivedSize(request.payload());
            List<float[]> inputs;
            String flag;
            List<CompletableFuture<Batcher.Result>> mirrored;
            try {
                inputs = served.inputs(request.payload());
                flag = guard.check(inputs, served.info());
                mirrored = batcher.submitAll(inputs, call.start());
            } catch (InvalidInputException e) {
                telemetry.record(refused(call, request.requestId(), shadow, Outcome.CLIENT_ERROR, size, e.kind()));
                continue;
            } catch (UnavailableException e) {
                for (int row = 0; row < answered.size(); row++) {
                    telemetry.record(refused(call, rowId(request.requestId(), row), shadow, Outcome.REJECTED, size, e.reason().kind()));
                }
                continue;
            }
            for (int row = 0; row < mirrored.size(); row++) {
                String id = rowId(request.requestId(), row);
                float[] input = inputs.get(row);
                CompletableFuture<Batcher.Result> mine = mirrored.get(row);
                CompletableFuture<Batcher.Result> theirs = row < answered.size() ? answered.get(row) : null;
                CompletableFuture<?> both = theirs == null ? mine : CompletableFuture.allOf(mine, theirs);
                both.whenComplete((ignored, error) -> telemetry.record(shadowed(call, id, shadow, served, input, size, flag, mine, theirs)));
            }
        }
    }

    /** Telemetry of one shadow answer, once it and the answering version's answer for the same input are both done. */
    private Served shadowed(Call call, String id, Route shadow, ServedModel served, float[] input, long size, String flag,
                            CompletableFuture<Batcher.Result> mine, CompletableFuture<Batcher.Result> theirs) {
        String model = call.request().model();
        long latency = micros(call.start());
        Batcher.Result result;
        try {
            result = mine.join();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return cause instanceof UnavailableException unavailable
                    ? refused(call, id, shadow, Outcome.REJECTED, size, unavailable.reason().kind())
                    : refused(call, id, shadow, Outcome.SERVER_ERROR, size, cause.getClass().getSimpleName());
        }
        if (!finite(result.scores())) {
            return refused(call, id, shadow, flag == null ? Outcome.SERVER_ERROR : Outcome.CLIENT_ERROR, size,
                    flag == null ? NON_FINITE_OUTPUT : InvalidInputException.NON_FINITE);
        }
        Boolean agrees = null;
        if (theirs != null && theirs.isDone() && !theirs.isCompletedExceptionally() && finite(theirs.join().scores())) {
            agrees = theirs.join().scores().label().equals(result.scores().label());
        }
        return new Served(id, model, shadow.version(), Role.SHADOW, Outcome.OK, latency, result.batchSize(), result.scores().label(),
                (double) result.scores().confidence(), flag == null ? served.inputStats(input) : Map.of(), null, call.revision(), size,
                flag, agrees);
    }

    /** Telemetry of an input that got no answer. */
    private static Served refused(Call call, String id, Route route, Outcome outcome, long size, String errorType) {
        return new Served(id, call.request().model(), route.version(), route.role(), outcome, micros(call.start()), 0, null, null,
                Map.of(), errorType, call.revision(), size, null, null);
    }

    private static boolean finite(Scores scores) {
        for (float p : scores.probabilities()) {
            if (!Float.isFinite(p)) {
                return false;
            }
        }
        return true;
    }

    private static String rowId(String requestId, int row) {
        return row == 0 ? requestId : requestId + "#" + row;
    }

    private static long micros(long start) {
        return (System.nanoTime() - start) / 1_000;
    }
}
