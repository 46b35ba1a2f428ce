package io.sluice.inference.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Dynamic batching for one version: inputs submitted concurrently wait in a bounded queue and one
 * worker thread runs them through the model in groups of up to {@code maxBatchSize}, waiting at most
 * {@code maxQueueDelay} after the oldest one arrived for others to join. A full queue refuses new
 * inputs at once instead of growing. Closing drains what is queued, then closes the model.
 */
public final class Batcher implements AutoCloseable {

    /** An input's answer and the size of the batch it ran in. */
    public record Result(Scores scores, int batchSize) {}

    private record Job(float[] input, CompletableFuture<Result> future, long enqueuedNanos) {}

    private final ServedModel model;
    private final BatchSettings settings;
    private final BlockingQueue<Job> queue;
    private final Thread worker;
    private volatile boolean closing;

    public Batcher(String name, ServedModel model, BatchSettings settings) {
        this.model = model;
        this.settings = settings;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.worker = new Thread(this::run, "batcher-" + name);
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /**
     * Queues one input.
     *
     * @throws UnavailableException (overloaded) when the queue is full or the version is being unloaded
     */
    public CompletableFuture<Result> submit(float[] input) {
        if (closing) {
            throw new UnavailableException("the version is being unloaded", false, settings.retryAfter());
        }
        Job job = new Job(input, new CompletableFuture<>(), System.nanoTime());
        if (!queue.offer(job)) {
            throw new UnavailableException("the queue of " + settings.queueCapacity() + " inputs is full", true, settings.retryAfter());
        }
        return job.future();
    }

    /** Inputs waiting now. */
    public int queued() {
        return queue.size();
    }

    private void run() {
        List<Job> batch = new ArrayList<>(settings.maxBatchSize());
        long delay = settings.maxQueueDelay().toNanos();
        try {
            while (!(closing && queue.isEmpty())) {
                Job first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, settings.maxBatchSize() - batch.size());
                long deadline = first.enqueuedNanos() + delay;
                while (batch.size() < settings.maxBatchSize()) {
                    long wait = deadline - System.nanoTime();
                    Job next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                    queue.drainTo(batch, settings.maxBatchSize() - batch.size());
                }
                runBatch(batch);
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            UnavailableException gone = new UnavailableException("the version was unloaded", false, settings.retryAfter());
            batch.forEach(job -> job.future().completeExceptionally(gone));
            queue.forEach(job -> job.future().completeExceptionally(gone));
            model.close();
        }
    }

    private void runBatch(List<Job> batch) {
        try {
            List<float[]> inputs = new ArrayList<>(batch.size());
            batch.forEach(job -> inputs.add(job.input()));
            List<Scores> scores = model.predict(inputs);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).future().complete(new Result(scores.get(i), batch.size()));
            }
        } catch (Exception | Error e) {
            batch.forEach(job -> job.future().completeExceptionally(e));
        }
    }

    /** Stops taking inputs, answers those already queued, then closes the model. */
    @Override
    public void close() {
        closing = true;
    }

    /** Waits until the worker has finished (for tests and shutdown). */
    public boolean awaitClosed(java.time.Duration timeout) throws InterruptedException {
        worker.join(timeout.toMillis());
        return !worker.isAlive();
    }
}
