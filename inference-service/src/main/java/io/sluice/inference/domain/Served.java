package io.sluice.inference.domain;

import java.util.Map;

/**
 * Telemetry of one input a version answered (or failed to answer).
 *
 * @param requestId        the request's id (with {@code #<row>} for rows after the first of a multi-row tensor)
 * @param model            model name
 * @param version          version that served it
 * @param role             its role; shadow answers are recorded, never returned
 * @param outcome          whose outcome it was (see {@link Outcome})
 * @param latencyMicros    from the request's arrival to the answer
 * @param batchSize        inputs in the forward pass it ran in (0 when it did not run)
 * @param predictedClass   the answer's label, or null
 * @param confidence       its probability, or null
 * @param inputStats       cheap input summary for drift; empty when the input could not be read or is flagged
 * @param errorType        short error kind when the outcome is not OK ({@code invalid-input}, {@code non-finite},
 *                         {@code out-of-range}, {@code oversized}, {@code not-ready}, {@code queue-full}, {@code shed},
 *                         or the failure's class name), else null
 * @param routingRevision  routing-table revision this replica had applied when it routed the request (-1 unknown)
 * @param inputSize        elements of one input as the caller sent it (image pixels × channels before resizing, tensor
 *                         elements per row, CSV columns); 0 when unknown
 * @param inputFlag        why a served input is kept out of drift statistics ({@code out-of-range}), or null
 * @param agreesWithStable shadow records only: whether the shadow predicted the class the answering version returned for
 *                         the same input; null when either did not answer, and for answering versions
 */
public record Served(String requestId, String model, String version, Role role, Outcome outcome, long latencyMicros,
                     int batchSize, String predictedClass, Double confidence, Map<String, Double> inputStats, String errorType,
                     long routingRevision, long inputSize, String inputFlag, Boolean agreesWithStable) {}
