package io.sluice.inference.domain;

import java.util.Map;

/**
 * Telemetry of one input a version answered (or failed to answer).
 *
 * @param requestId      the request's id (with {@code #<row>} for rows after the first of a multi-row tensor)
 * @param model          model name
 * @param version        version that served it
 * @param role           its role; shadow answers are recorded, never returned
 * @param outcome        how it ended
 * @param latencyMicros  from the request's arrival to the answer
 * @param batchSize      inputs in the forward pass it ran in (0 when it did not run)
 * @param predictedClass the answer's label, or null
 * @param confidence     its probability, or null
 * @param inputStats     cheap input summary for drift (empty when the input could not be read)
 * @param errorType      short error kind when the outcome is not OK, else null
 */
public record Served(String requestId, String model, String version, Role role, Outcome outcome, long latencyMicros,
                     int batchSize, String predictedClass, Double confidence, Map<String, Double> inputStats, String errorType) {}
