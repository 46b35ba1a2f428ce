package io.sluice.inference.domain;

import java.util.List;

/**
 * What a version answered for a request.
 *
 * @param requestId  the request's id
 * @param model      model name
 * @param version    the version that answered
 * @param role       its role (stable or canary, or any role when the caller pinned the version)
 * @param classNames the version's class names, in probability order
 * @param scores     one answer per input row
 * @param batchSize  largest forward pass the rows ran in
 */
public record Answer(String requestId, String model, String version, Role role, List<String> classNames, List<Scores> scores,
                     int batchSize) {}
