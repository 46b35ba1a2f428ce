package io.sluice.inference.domain;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;

/**
 * A served model for domain tests: class "high" when the first value is above 0.5, else "low", and NaN probabilities
 * when the second is above 20; records each batch's size and releases a permit of {@link #started} as each forward pass begins.
 */
final class FakeModel implements ServedModel {

    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    /** One permit per forward pass begun: a test acquires one to know that the worker is busy with a batch. */
    final Semaphore started = new Semaphore(0);
    final long delayMillis;
    volatile boolean closed;

    FakeModel(long delayMillis) {
        this.delayMillis = delayMillis;
    }

    @Override
    public ModelInfo info() {
        return new ModelInfo(List.of("low", "high"), List.of(2), false, List.of("a", "b"), Path.of("/tmp/fake"), 42, "cpu()", "d@1",
                List.of(new ValueRange(-10, 10), new ValueRange(-10, 10)));
    }

    @Override
    public List<float[]> inputs(Payload payload) {
        if (payload instanceof Payload.Tensor tensor && tensor.data().length % 2 == 0 && tensor.data().length > 0) {
            List<float[]> rows = new ArrayList<>();
            for (int i = 0; i < tensor.data().length; i += 2) {
                rows.add(new float[] {tensor.data()[i], tensor.data()[i + 1]});
            }
            return rows;
        }
        throw new InvalidInputException("two values per row expected");
    }

    @Override
    public long receivedSize(Payload payload) {
        return 2;
    }

    @Override
    public List<Scores> predict(List<float[]> batch) throws Exception {
        batchSizes.add(batch.size());
        started.release();
        if (delayMillis > 0) {
            Thread.sleep(delayMillis);
        }
        List<Scores> scores = new ArrayList<>();
        for (float[] input : batch) {
            if (input[1] > 20) { // a network that overflows on large inputs
                scores.add(new Scores("low", 0, new float[] {Float.NaN, Float.NaN}));
                continue;
            }
            boolean high = input[0] > 0.5f;
            scores.add(new Scores(high ? "high" : "low", high ? 1 : 0, high ? new float[] {0.1f, 0.9f} : new float[] {0.8f, 0.2f}));
        }
        return scores;
    }

    @Override
    public Map<String, Double> inputStats(float[] input) {
        return Map.of("mean", (input[0] + input[1]) / 2.0);
    }

    @Override
    public void close() {
        closed = true;
    }

    static Payload tensor(float... values) {
        return new Payload.Tensor(values, new long[] {values.length / 2, 2}, false);
    }
}
