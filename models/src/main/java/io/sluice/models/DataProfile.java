package io.sluice.models;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the raw (not yet normalised) train-split inputs and yields the card's normalisation
 * and its drift baseline ({@link ModelCard.DataSummary}). Not thread-safe.
 */
public final class DataProfile {

    /** Histogram bins per drift feature. */
    public static final int BINS = 10;

    private final ModelCard.InputSpec spec;
    private final int dims;
    private final double[] sum;
    private final double[] sumSquares;
    private final List<double[]> driftValues = new ArrayList<>();
    private final Map<String, Long> classCounts = new LinkedHashMap<>();
    private long count;

    public DataProfile(ModelCard.InputSpec spec, List<String> classNames) {
        this.spec = spec;
        this.dims = spec.normalisedDimensions();
        this.sum = new double[dims];
        this.sumSquares = new double[dims];
        classNames.forEach(name -> classCounts.put(name, 0L));
    }

    /** Adds one raw train input (pixels in [0,1] CHW, or parsed CSV values) and its class. */
    public void add(float[] raw, String label) {
        int per = raw.length / dims;
        for (int d = 0; d < dims; d++) {
            for (int i = d * per; i < (d + 1) * per; i++) {
                sum[d] += raw[i];
                sumSquares[d] += (double) raw[i] * raw[i];
            }
        }
        driftValues.add(Inputs.driftFeatures(raw, spec));
        classCounts.merge(label, 1L, Long::sum);
        count++;
    }

    /** Mean and std per channel or feature; a constant one gets std 1 so it standardises to 0, not NaN. */
    public ModelCard.Normalisation normalisation() {
        if (count == 0) {
            throw new IllegalStateException("no training samples to compute the normalisation from");
        }
        long per = (long) count * (spec.size() / dims);
        List<Double> mean = new ArrayList<>();
        List<Double> std = new ArrayList<>();
        for (int d = 0; d < dims; d++) {
            double m = sum[d] / per;
            double variance = Math.max(0, sumSquares[d] / per - m * m);
            mean.add(m);
            std.add(Math.sqrt(variance) > 1e-6 ? Math.sqrt(variance) : 1.0);
        }
        return new ModelCard.Normalisation(mean, std);
    }

    /** Class counts and, per drift feature, mean, std, range and a {@value #BINS}-bin histogram. */
    public ModelCard.DataSummary summary() {
        List<String> names = Inputs.driftFeatureNames(spec);
        List<ModelCard.FeatureSummary> features = new ArrayList<>();
        for (int f = 0; f < names.size(); f++) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            double total = 0;
            double squares = 0;
            for (double[] values : driftValues) {
                min = Math.min(min, values[f]);
                max = Math.max(max, values[f]);
                total += values[f];
                squares += values[f] * values[f];
            }
            double mean = count == 0 ? 0 : total / count;
            double std = count == 0 ? 0 : Math.sqrt(Math.max(0, squares / count - mean * mean));
            // images: fixed [0,1] bins so live inputs compare bin by bin; CSV: the train range
            double low = spec.isImage() ? 0 : (count == 0 ? 0 : min);
            double high = spec.isImage() ? 1 : (count == 0 || max <= low ? low + 1 : max);
            List<Double> edges = new ArrayList<>();
            for (int b = 0; b <= BINS; b++) {
                edges.add(low + (high - low) * b / BINS);
            }
            long[] counts = new long[BINS];
            for (double[] values : driftValues) {
                counts[bin(values[f], low, high)]++;
            }
            features.add(new ModelCard.FeatureSummary(names.get(f), mean, std, count == 0 ? 0 : min, count == 0 ? 0 : max, edges,
                    java.util.Arrays.stream(counts).boxed().toList()));
        }
        return new ModelCard.DataSummary(count, new LinkedHashMap<>(classCounts), features);
    }

    /** The histogram bin of a value; values outside [low, high] fall into the end bins. */
    public static int bin(double value, double low, double high) {
        int bin = (int) Math.floor((value - low) / (high - low) * BINS);
        return Math.max(0, Math.min(BINS - 1, bin));
    }
}
