package io.sluice.monitoring.bench;

import java.util.Map;
import java.util.SplittableRandom;

import io.sluice.monitoring.domain.VersionStats;

/**
 * Seeded synthetic traffic of one version: Bernoulli errors, log-normal latencies (median 150 ms,
 * σ 0.4, so p99 ≈ 380 ms), normal confidences around 0.85 and ten predicted classes with fixed
 * shares. A latency factor scales every latency (1.5 raises p99 by 50 %).
 */
final class SyntheticTraffic {

    static final double MEDIAN_MS = 150;
    static final double SIGMA = 0.4;
    private static final String[] CLASSES = {"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"};
    private static final double[] CUMULATIVE;

    static {
        double[] weights = {20, 15, 12, 10, 9, 8, 8, 7, 6, 5};
        CUMULATIVE = new double[weights.length];
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double acc = 0;
        for (int i = 0; i < weights.length; i++) {
            acc += weights[i] / total;
            CUMULATIVE[i] = acc;
        }
    }

    private final SplittableRandom random;

    SyntheticTraffic(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Adds {@code requests} requests with the given error rate and latency factor to {@code stats}. */
    void serve(VersionStats stats, int requests, double errorRate, double latencyFactor) {
        for (int i = 0; i < requests; i++) {
            boolean error = random.nextDouble() < errorRate;
            double latency = latencyFactor * MEDIAN_MS * Math.exp(SIGMA * gaussian());
            double confidence = Math.min(1, Math.max(0, 0.85 + 0.08 * gaussian()));
            stats.addServed(error, latency, error ? null : pickClass(), error ? Double.NaN : confidence, Map.of());
        }
    }

    /** A Poisson-distributed request count with the given mean (normal approximation above 50). */
    int poisson(double mean) {
        if (mean > 50) {
            return (int) Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian()));
        }
        double l = Math.exp(-mean);
        int k = 0;
        double p = 1;
        do {
            k++;
            p *= random.nextDouble();
        } while (p > l);
        return k - 1;
    }

    private String pickClass() {
        double u = random.nextDouble();
        for (int i = 0; i < CUMULATIVE.length; i++) {
            if (u < CUMULATIVE[i]) {
                return CLASSES[i];
            }
        }
        return CLASSES[CLASSES.length - 1];
    }

    private double gaussian() {
        // Marsaglia polar method on the seeded generator
        double u;
        double v;
        double s;
        do {
            u = 2 * random.nextDouble() - 1;
            v = 2 * random.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        return u * Math.sqrt(-2 * Math.log(s) / s);
    }
}
