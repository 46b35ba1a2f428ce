package io.sluice.inference.domain;

/**
 * One call to a model.
 *
 * @param requestId  id echoed in the answer and the telemetry (feedback refers to it)
 * @param model      model name
 * @param version    a pinned version, or null to let the routing table choose
 * @param routingKey keeps a caller on one version (sticky routing), or null for a random split by weight
 * @param payload    what the caller sent
 * @param arrived    {@link System#nanoTime()} when the request arrived: its latency and its time in the service, which
 *                   load shedding bounds, count from here
 */
public record InferenceRequest(String requestId, String model, String version, String routingKey, Payload payload, long arrived) {

    /** A request arriving now. */
    public InferenceRequest(String requestId, String model, String version, String routingKey, Payload payload) {
        this(requestId, model, version, routingKey, payload, System.nanoTime());
    }
}
