package io.sluice.inference.domain;

import java.util.List;
import java.util.Map;

/**
 * A loaded, verified version that can answer (port; the DJL adapter implements it). {@link #predict}
 * is called from one thread at a time per instance; the other methods from any thread.
 */
public interface ServedModel extends AutoCloseable {

    ModelInfo info();

    /**
     * The raw (not yet normalised) inputs a payload holds, one per row, each {@link ModelInfo#inputSize()} long.
     *
     * @throws InvalidInputException when the payload does not fit this version's input
     */
    List<float[]> inputs(Payload payload);

    /**
     * Elements of one input as the caller sent it, before any resizing: tensor elements per row, CSV columns, or an
     * image's pixels times its channels (from its header); 0 when the payload cannot be read. Never throws.
     */
    long receivedSize(Payload payload);

    /** Answers a batch of raw inputs from {@link #inputs}, in order. */
    List<Scores> predict(List<float[]> batch) throws Exception;

    /** A cheap summary of one raw input for drift monitoring: mean and std, and per feature (CSV) or per channel (images). */
    Map<String, Double> inputStats(float[] input);

    /** Releases the network and its native memory. */
    @Override
    void close();
}
