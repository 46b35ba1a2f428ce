package io.sluice.inference.domain;

import java.time.Duration;

/**
 * How requests for one version are grouped.
 *
 * @param maxBatchSize  most inputs in one forward pass (1 turns dynamic batching off)
 * @param maxQueueDelay longest the first input of a batch waits for others to join
 * @param queueCapacity inputs that may wait per version; beyond it requests are refused (back-pressure), and a request
 *                      holding more inputs than this can never fit (refused as too large)
 * @param maxQueueWait  longest a request may wait, from its arrival, before its inputs run: a request that would wait
 *                      longer (the time it already spent plus the queue ahead of it at the recent time per input) is shed
 *                      at once, and an input that has waited longer is shed instead of run; zero turns shedding off
 * @param retryAfter    what a refused caller is told to wait before retrying
 */
public record BatchSettings(int maxBatchSize, Duration maxQueueDelay, int queueCapacity, Duration maxQueueWait, Duration retryAfter) {

    public BatchSettings {
        if (maxBatchSize < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("maxBatchSize and queueCapacity must be positive");
        }
        if (maxQueueWait.isNegative()) {
            throw new IllegalArgumentException("maxQueueWait must not be negative");
        }
    }

    /** Settings without shedding. */
    public BatchSettings(int maxBatchSize, Duration maxQueueDelay, int queueCapacity, Duration retryAfter) {
        this(maxBatchSize, maxQueueDelay, queueCapacity, Duration.ZERO, retryAfter);
    }
}
