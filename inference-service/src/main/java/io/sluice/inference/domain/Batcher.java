package io.sluice.inference.domain;

import java.time.Duration;
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
 * inputs at once instead of growing; with a {@code maxQueueWait}, a request that would wait longer than it
 * from its arrival (the time already spent plus the queue's length times the recent time per input) is
 * shed at once, and inputs that did wait longer are shed rather than run, so the latency of what is
 * answered stays bounded under overload. Closing
 * drains what is queued, then closes the model.
 */
public final class Batcher implements AutoCloseable {

    /** An input's answer and the size of the batch it ran in. */
    public record Result(Scores scores, int batchSize) {}

    private record Job(float[] input, CompletableFuture<Result> future, long enqueuedNanos, long arrivedNanos) {}

    /** Weight of the newest batch in the moving average of the time per input. */
    private static final double SMOOTHING = 0.2;

    private final ServedModel model;
    private final BatchSettings settings;
    private final long maxWaitNanos;
    private final BlockingQueue<Job> queue;
    private final Thread worker;
    private volatile boolean closing;
    /** Exponentially weighted moving average of a batch's run time divided by its inputs; 0 until the first batch. */
    private volatile double nanosPerInput;

    public Batcher(String name, ServedModel model, BatchSettings settings) {
        this.model = model;
        this.settings = settings;
        this.maxWaitNanos = settings.maxQueueWait().toNanos();
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.worker = new Thread(this::run, "batcher-" + name);
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /**
     * Queues one input.
     *
     * @throws UnavailableException when the queue is full, the input would wait too long, or the version is being unloaded
     */
    public CompletableFuture<Result> submit(float[] input) {
        return submitAll(List.of(input), System.nanoTime()).get(0);
    }

    /**
     * Queues the inputs of one request, all or none.
     *
     * @param arrived {@link System#nanoTime()} when the request arrived: the time it already spent counts against the bound
     * @throws TooLargeException    when they are more than the queue can ever hold
     * @throws UnavailableException when the queue cannot take them now, they would wait longer than the bound, or the
     *                              version is being unloaded
     */
    public List<CompletableFuture<Result>> submitAll(List<float[]> inputs, long arrived) {
        if (inputs.size() > settings.queueCapacity()) {
            throw new TooLargeException("the request holds " + inputs.size() + " inputs; a version's queue takes at most "
                    + settings.queueCapacity() + ": split it into smaller requests");
        }
        if (closing) {
            throw new UnavailableException("the version is being unloaded", UnavailableException.Reason.NOT_READY, settings.retryAfter());
        }
        long now = System.nanoTime();
        UnavailableException shed = shedding(inputs.size(), arrived, now);
        if (shed != null) {
            throw shed;
        }
        List<CompletableFuture<Result>> futures = new ArrayList<>(inputs.size());
        for (float[] input : inputs) {
            Job job = new Job(input, new CompletableFuture<>(), now, arrived);
            if (!queue.offer(job)) {
                futures.forEach(f -> f.cancel(false)); // the worker skips them
                throw new UnavailableException("the queue of " + settings.queueCapacity() + " inputs is full",
                        UnavailableException.Reason.QUEUE_FULL, settings.retryAfter());
            }
            futures.add(job.future());
        }
        return futures;
    }

    /**
     * Whether a request that arrived at {@code arrived} ({@link System#nanoTime()}) with this many inputs would be shed
     * now: the refusal to throw, or empty when it would be queued (as far as its wait is concerned).
     */
    public java.util.Optional<UnavailableException> shedding(int inputs, long arrived) {
        return java.util.Optional.ofNullable(shedding(inputs, arrived, System.nanoTime()));
    }

    private UnavailableException shedding(int inputs, long arrived, long now) {
        if (maxWaitNanos == 0) {
            return null;
        }
        // the time already spent, then the inputs ahead, these, and about one more for the batch running now
        double expected = (now - arrived) + (queue.size() + inputs) * nanosPerInput;
        if (expected <= maxWaitNanos) {
            return null;
        }
        return new UnavailableException("overloaded: the request would wait about " + Math.round(expected / 1e6)
                + " ms in the service, the bound is " + settings.maxQueueWait().toMillis() + " ms",
                UnavailableException.Reason.SHED, settings.retryAfter());
    }

    /** Inputs waiting now. */
    public int queued() {
        return queue.size();
    }

    /** The queue's capacity: a request with more inputs can never be taken. */
    public int capacity() {
        return settings.queueCapacity();
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
                shedStale(batch);
                if (!batch.isEmpty()) {
                    runBatch(batch);
                }
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            UnavailableException gone = new UnavailableException("the version was unloaded", UnavailableException.Reason.NOT_READY,
                    settings.retryAfter());
            batch.forEach(job -> job.future().completeExceptionally(gone));
            queue.forEach(job -> job.future().completeExceptionally(gone));
            model.close();
        }
    }

    /** Drops inputs nobody waits for any more (their request was refused) and sheds those that waited past the bound. */
    private void shedStale(List<Job> batch) {
        long now = System.nanoTime();
        batch.removeIf(job -> {
            if (job.future().isDone()) {
                return true;
            }
            if (maxWaitNanos > 0 && now - job.arrivedNanos() > maxWaitNanos) {
                job.future().completeExceptionally(new UnavailableException("overloaded: the input waited "
                        + (now - job.arrivedNanos()) / 1_000_000 + " ms, the bound is "
                        + settings.maxQueueWait().toMillis() + " ms", UnavailableException.Reason.SHED, settings.retryAfter()));
                return true;
            }
            return false;
        });
    }

    private void runBatch(List<Job> batch) {
        long start = System.nanoTime();
        List<Scores> scores = null;
        Throwable failure = null;
        try {
            List<float[]> inputs = new ArrayList<>(batch.size());
            batch.forEach(job -> inputs.add(job.input()));
            scores = model.predict(inputs);
        } catch (Exception | Error e) {
            failure = e;
        }
        // known before anyone hears the answer, so a caller that submits right after it sees the new estimate
        double perInput = (double) (System.nanoTime() - start) / batch.size();
        double previous = nanosPerInput;
        nanosPerInput = previous == 0 ? perInput : previous + SMOOTHING * (perInput - previous);
        for (int i = 0; i < batch.size(); i++) {
            if (failure == null) {
                batch.get(i).future().complete(new Result(scores.get(i), batch.size()));
            } else {
                batch.get(i).future().completeExceptionally(failure);
            }
        }
    }

    /** Stops taking inputs, answers those already queued, then closes the model. */
    @Override
    public void close() {
        closing = true;
    }

    /** Waits until the worker has finished (for tests and shutdown). */
    public boolean awaitClosed(Duration timeout) throws InterruptedException {
        worker.join(timeout.toMillis());
        return !worker.isAlive();
    }
}
