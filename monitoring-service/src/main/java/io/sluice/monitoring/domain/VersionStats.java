package io.sluice.monitoring.domain;

import java.util.HashMap;
import java.util.Map;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;

/**
 * Mergeable aggregate of one model version's traffic over a time range: requests, errors, a
 * latency sketch (DDSketch, 1 % relative accuracy), confidence, predicted classes, accuracy on
 * feedback labels and the running moments of each input statistic. Not thread-safe.
 */
public final class VersionStats {

    /** Relative accuracy of the latency quantiles. */
    public static final double LATENCY_ACCURACY = 0.01;

    long requests;
    long errors;
    final DDSketch latencyMs;
    long confidenceCount;
    double confidenceSum;
    double confidenceSumSq;
    final Map<String, long[]> classCounts;
    long labelled;
    long correct;
    final Map<String, double[]> inputMoments; // name -> {count, sum, sumOfSquares}

    public VersionStats() {
        this(DDSketches.unboundedDense(LATENCY_ACCURACY));
    }

    VersionStats(DDSketch latencyMs) {
        this.latencyMs = latencyMs;
        this.classCounts = new HashMap<>();
        this.inputMoments = new HashMap<>();
    }

    /**
     * Adds one served request.
     *
     * @param error          the request failed (server error or rejection)
     * @param latencyMs      time to answer, milliseconds (values ≤ 0 are not recorded in the sketch)
     * @param predictedClass the answer, or null
     * @param confidence     probability of the answer (0..1), or NaN when absent
     * @param inputStats     cheap input summary, may be empty, never null
     */
    public VersionStats addServed(boolean error, double latencyMs, String predictedClass, double confidence,
                                  Map<String, Double> inputStats) {
        requests++;
        if (error) {
            errors++;
        }
        if (latencyMs > 0) {
            this.latencyMs.accept(latencyMs);
        }
        if (predictedClass != null) {
            classCounts.computeIfAbsent(predictedClass, c -> new long[1])[0]++;
        }
        if (!Double.isNaN(confidence)) {
            confidenceCount++;
            confidenceSum += confidence;
            confidenceSumSq += confidence * confidence;
        }
        if (!inputStats.isEmpty()) {
            for (Map.Entry<String, Double> e : inputStats.entrySet()) {
                double v = e.getValue();
                if (Double.isFinite(v)) {
                    double[] m = inputMoments.computeIfAbsent(e.getKey(), k -> new double[3]);
                    m[0]++;
                    m[1] += v;
                    m[2] += v * v;
                }
            }
        }
        return this;
    }

    /** Adds one feedback label: whether the served answer matched the true label. */
    public VersionStats addFeedback(boolean answerWasCorrect) {
        labelled++;
        if (answerWasCorrect) {
            correct++;
        }
        return this;
    }

    /** Adds another aggregate into this one (the union of both time ranges). */
    public VersionStats merge(VersionStats other) {
        requests += other.requests;
        errors += other.errors;
        if (!other.latencyMs.isEmpty()) {
            latencyMs.mergeWith(other.latencyMs);
        }
        confidenceCount += other.confidenceCount;
        confidenceSum += other.confidenceSum;
        confidenceSumSq += other.confidenceSumSq;
        other.classCounts.forEach((c, n) -> classCounts.computeIfAbsent(c, k -> new long[1])[0] += n[0]);
        labelled += other.labelled;
        correct += other.correct;
        other.inputMoments.forEach((name, m) -> {
            double[] mine = inputMoments.computeIfAbsent(name, k -> new double[3]);
            mine[0] += m[0];
            mine[1] += m[1];
            mine[2] += m[2];
        });
        return this;
    }

    /** A deep copy. */
    public VersionStats copy() {
        return new VersionStats().merge(this);
    }

    public long requests() {
        return requests;
    }

    public long errors() {
        return errors;
    }

    /** Errors per request, 0 without requests. */
    public double errorRate() {
        return requests == 0 ? 0 : (double) errors / requests;
    }

    /** Number of latencies recorded in the sketch. */
    public long latencySamples() {
        return (long) latencyMs.getCount();
    }

    /** Latency at quantile q (0..1) in milliseconds, NaN without samples. */
    public double latencyQuantile(double q) {
        return latencyMs.isEmpty() ? Double.NaN : latencyMs.getValueAtQuantile(q);
    }

    /** How many recorded latencies lie above a threshold (to the sketch's 1 % bin precision). */
    public long latenciesAbove(double thresholdMs) {
        if (latencyMs.isEmpty()) {
            return 0;
        }
        int limit = latencyMs.getIndexMapping().index(thresholdMs);
        double[] above = {0};
        latencyMs.getPositiveValueStore().forEach((index, count) -> {
            if (index > limit) {
                above[0] += count;
            }
        });
        return Math.round(above[0]);
    }

    public long confidenceSamples() {
        return confidenceCount;
    }

    /** Mean confidence, NaN without samples. */
    public double meanConfidence() {
        return confidenceCount == 0 ? Double.NaN : confidenceSum / confidenceCount;
    }

    /** Sample variance of confidence, NaN below two samples. */
    public double confidenceVariance() {
        if (confidenceCount < 2) {
            return Double.NaN;
        }
        double mean = meanConfidence();
        return Math.max(0, (confidenceSumSq - confidenceCount * mean * mean) / (confidenceCount - 1));
    }

    /** Predicted class to count, a copy. */
    public Map<String, Long> classCounts() {
        Map<String, Long> counts = new HashMap<>();
        classCounts.forEach((c, n) -> counts.put(c, n[0]));
        return counts;
    }

    public long labelled() {
        return labelled;
    }

    public long correct() {
        return correct;
    }

    /** Share of labelled answers that were right, NaN without labels. */
    public double accuracy() {
        return labelled == 0 ? Double.NaN : (double) correct / labelled;
    }

    /** Names of the input statistics seen. */
    public java.util.Set<String> inputNames() {
        return java.util.Collections.unmodifiableSet(inputMoments.keySet());
    }

    /** Running count of an input statistic, 0 if never seen. */
    public long inputCount(String name) {
        double[] m = inputMoments.get(name);
        return m == null ? 0 : (long) m[0];
    }

    /** Mean of an input statistic over requests, NaN if never seen. */
    public double inputMean(String name) {
        double[] m = inputMoments.get(name);
        return m == null || m[0] == 0 ? Double.NaN : m[1] / m[0];
    }

    /** Sample standard deviation of an input statistic over requests, NaN below two samples. */
    public double inputStd(String name) {
        double[] m = inputMoments.get(name);
        if (m == null || m[0] < 2) {
            return Double.NaN;
        }
        double mean = m[1] / m[0];
        return Math.sqrt(Math.max(0, (m[2] - m[0] * mean * mean) / (m[0] - 1)));
    }
}
