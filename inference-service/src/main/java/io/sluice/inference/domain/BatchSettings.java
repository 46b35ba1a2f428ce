package io.sluice.inference.domain;

import java.time.Duration;

/**
 * How requests for one version are grouped.
 *
 * @param maxBatchSize  most inputs in one forward pass (1 turns dynamic batching off)
 * @param maxQueueDelay longest the first input of a batch waits for others to join
 * @param queueCapacity inputs that may wait per version; beyond it requests are refused (back-pressure)
 * @param retryAfter    what a refused caller is told to wait before retrying
 */
public record BatchSettings(int maxBatchSize, Duration maxQueueDelay, int queueCapacity, Duration retryAfter) {

    public BatchSettings {
        if (maxBatchSize < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("maxBatchSize and queueCapacity must be positive");
        }
    }
}
