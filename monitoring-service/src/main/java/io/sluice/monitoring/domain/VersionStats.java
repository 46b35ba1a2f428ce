package io.sluice.monitoring.domain;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;

/**
 * Mergeable aggregate of one model version's traffic over a time range. Only answered requests
 * and the server's own failures count as requests ({@link ServedRequest.Kind}); capacity refusals
 * and caller errors are only counted, as what was left out. Per request: errors, a latency sketch
 * (DDSketch, 1 % relative accuracy) overall and per {@link Strata stratum}, confidence, predicted
 * classes, shadow agreement, accuracy on feedback labels, and per input statistic its running
 * moments and a sketch (for robust, rank-based drift statistics). Not thread-safe.
 */
public final class VersionStats {

    /** Relative accuracy of the latency and input sketches. */
    public static final double LATENCY_ACCURACY = 0.01;
    /** Input values beyond ± this are clipped before they enter a sketch (a 1e20 input cannot blow up its range). */
    static final double INPUT_CLIP = 1e12;

    long requests;
    long errors;
    long clientErrors;
    long capacity;
    long flaggedInputs;
    final DDSketch latencyMs;
    final Map<String, Stratum> strata;
    long confidenceCount;
    double confidenceSum;
    double confidenceSumSq;
    final Map<String, long[]> classCounts;
    long compared;
    long agreed;
    long labelled;
    long correct;
    long firstMillis;
    long lastMillis;
    final Map<String, double[]> inputMoments; // name -> {count, sum, sumOfSquares}
    final Map<String, DDSketch> inputSketches;

    /** Requests, server errors and latencies of one kind of work. */
    static final class Stratum {
        long requests;
        long errors;
        final DDSketch latencyMs;

        Stratum(DDSketch latencyMs) {
            this.latencyMs = latencyMs;
        }

        void merge(Stratum other) {
            requests += other.requests;
            errors += other.errors;
            if (!other.latencyMs.isEmpty()) {
                latencyMs.mergeWith(other.latencyMs);
            }
        }
    }

    public VersionStats() {
        this(newLatencySketch());
    }

    VersionStats(DDSketch latencyMs) {
        this.latencyMs = latencyMs;
        this.strata = new HashMap<>();
        this.classCounts = new HashMap<>();
        this.inputMoments = new HashMap<>();
        this.inputSketches = new HashMap<>();
    }

    static DDSketch newLatencySketch() {
        return DDSketches.unboundedDense(LATENCY_ACCURACY);
    }

    static DDSketch newInputSketch() {
        return DDSketches.sparse(LATENCY_ACCURACY);
    }

    /**
     * Adds one answered or failed request of the default stratum.
     *
     * @param error          the model or server failed
     * @param latencyMs      time to answer, milliseconds (values ≤ 0 are not recorded in the sketch)
     * @param predictedClass the answer, or null
     * @param confidence     probability of the answer (0..1), or NaN when absent
     * @param inputStats     cheap input summary, may be empty, never null
     */
    public VersionStats addServed(boolean error, double latencyMs, String predictedClass, double confidence,
                                  Map<String, Double> inputStats) {
        return add(ServedRequest.of(error, latencyMs, predictedClass, confidence, inputStats));
    }

    /** Adds one request; capacity refusals and caller errors are only counted as left out. */
    public VersionStats add(ServedRequest request) {
        switch (request.kind()) {
            case CLIENT_ERROR -> {
                clientErrors++;
                return this;
            }
            case CAPACITY -> {
                capacity++;
                return this;
            }
            case OK, SERVER_ERROR -> {
                // counted below
            }
        }
        boolean error = request.kind() == ServedRequest.Kind.SERVER_ERROR;
        requests++;
        if (error) {
            errors++;
        }
        Stratum stratum = strata.computeIfAbsent(request.stratum(), s -> new Stratum(newLatencySketch()));
        stratum.requests++;
        if (error) {
            stratum.errors++;
        }
        if (request.latencyMs() > 0) {
            latencyMs.accept(request.latencyMs());
            stratum.latencyMs.accept(request.latencyMs());
        }
        if (request.predictedClass() != null) {
            classCounts.computeIfAbsent(request.predictedClass(), c -> new long[1])[0]++;
        }
        double confidence = request.confidence();
        if (!Double.isNaN(confidence)) {
            confidenceCount++;
            confidenceSum += confidence;
            confidenceSumSq += confidence * confidence;
        }
        if (request.agreesWithStable() != null) {
            compared++;
            if (request.agreesWithStable()) {
                agreed++;
            }
        }
        if (request.atMillis() > 0) {
            firstMillis = firstMillis == 0 ? request.atMillis() : Math.min(firstMillis, request.atMillis());
            lastMillis = Math.max(lastMillis, request.atMillis());
        }
        if (request.inputsFlagged()) {
            flaggedInputs++;
        } else if (!request.inputStats().isEmpty()) {
            for (Map.Entry<String, Double> e : request.inputStats().entrySet()) {
                double v = e.getValue();
                if (Double.isFinite(v)) {
                    double[] m = inputMoments.computeIfAbsent(e.getKey(), k -> new double[3]);
                    m[0]++;
                    m[1] += v;
                    m[2] += v * v;
                    double clipped = Math.max(-INPUT_CLIP, Math.min(INPUT_CLIP, v));
                    inputSketches.computeIfAbsent(e.getKey(), k -> newInputSketch()).accept(clipped);
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
        clientErrors += other.clientErrors;
        capacity += other.capacity;
        flaggedInputs += other.flaggedInputs;
        if (!other.latencyMs.isEmpty()) {
            latencyMs.mergeWith(other.latencyMs);
        }
        other.strata.forEach((s, st) -> strata.computeIfAbsent(s, k -> new Stratum(newLatencySketch())).merge(st));
        confidenceCount += other.confidenceCount;
        confidenceSum += other.confidenceSum;
        confidenceSumSq += other.confidenceSumSq;
        other.classCounts.forEach((c, n) -> classCounts.computeIfAbsent(c, k -> new long[1])[0] += n[0]);
        compared += other.compared;
        agreed += other.agreed;
        labelled += other.labelled;
        correct += other.correct;
        if (other.firstMillis > 0) {
            firstMillis = firstMillis == 0 ? other.firstMillis : Math.min(firstMillis, other.firstMillis);
        }
        lastMillis = Math.max(lastMillis, other.lastMillis);
        other.inputMoments.forEach((name, m) -> {
            double[] mine = inputMoments.computeIfAbsent(name, k -> new double[3]);
            mine[0] += m[0];
            mine[1] += m[1];
            mine[2] += m[2];
        });
        other.inputSketches.forEach((name, sketch) -> {
            if (!sketch.isEmpty()) {
                inputSketches.computeIfAbsent(name, k -> newInputSketch()).mergeWith(sketch);
            }
        });
        return this;
    }

    /** A deep copy. */
    public VersionStats copy() {
        return new VersionStats().merge(this);
    }

    /** Answered requests and server errors: what the version is judged on. */
    public long requests() {
        return requests;
    }

    /** Server errors (the model's or server's failure). */
    public long errors() {
        return errors;
    }

    /** Requests refused for the caller's fault, left out of every statistic. */
    public long clientErrors() {
        return clientErrors;
    }

    /** Requests refused for capacity, left out of every statistic but able to hold a verdict. */
    public long capacityRefusals() {
        return capacity;
    }

    /** Served requests whose inputs were flagged and left out of the input statistics. */
    public long flaggedInputs() {
        return flaggedInputs;
    }

    /** Server errors per counted request, 0 without requests. */
    public double errorRate() {
        return requests == 0 ? 0 : (double) errors / requests;
    }

    /** Share of capacity refusals among counted requests and refusals, 0 without either. */
    public double capacityRate() {
        long all = requests + capacity;
        return all == 0 ? 0 : (double) capacity / all;
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
        return above(latencyMs, thresholdMs);
    }

    /** The strata (kinds of work) seen. */
    public Set<String> strata() {
        return Collections.unmodifiableSet(strata.keySet());
    }

    /** Counted requests of one stratum. */
    public long stratumRequests(String stratum) {
        Stratum s = strata.get(stratum);
        return s == null ? 0 : s.requests;
    }

    /** Server errors of one stratum. */
    public long stratumErrors(String stratum) {
        Stratum s = strata.get(stratum);
        return s == null ? 0 : s.errors;
    }

    /** Latencies recorded in one stratum. */
    public long stratumLatencySamples(String stratum) {
        Stratum s = strata.get(stratum);
        return s == null ? 0 : (long) s.latencyMs.getCount();
    }

    /** Latency at quantile q of one stratum, NaN without samples. */
    public double stratumLatencyQuantile(String stratum, double q) {
        Stratum s = strata.get(stratum);
        return s == null || s.latencyMs.isEmpty() ? Double.NaN : s.latencyMs.getValueAtQuantile(q);
    }

    /** How many latencies of one stratum lie above a threshold. */
    public long stratumLatenciesAbove(String stratum, double thresholdMs) {
        Stratum s = strata.get(stratum);
        return s == null ? 0 : above(s.latencyMs, thresholdMs);
    }

    private static long above(DDSketch sketch, double threshold) {
        if (sketch.isEmpty()) {
            return 0;
        }
        int limit = sketch.getIndexMapping().index(threshold);
        double[] above = {0};
        sketch.getPositiveValueStore().forEach((index, count) -> {
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

    /** Shadow answers compared with the answering version's on the same request. */
    public long compared() {
        return compared;
    }

    /** Shadow answers that agreed with the answering version's. */
    public long agreed() {
        return agreed;
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

    /** Event time of the first counted request, epoch ms; 0 when unknown. */
    public long firstMillis() {
        return firstMillis;
    }

    /** Event time of the last counted request, epoch ms; 0 when unknown. */
    public long lastMillis() {
        return lastMillis;
    }

    /** Names of the input statistics seen. */
    public Set<String> inputNames() {
        return Collections.unmodifiableSet(inputMoments.keySet());
    }

    /** Running count of an input statistic, 0 if never seen. */
    public long inputCount(String name) {
        double[] m = inputMoments.get(name);
        return m == null ? 0 : (long) m[0];
    }

    /** Mean of an input statistic over requests, NaN if never seen (sensitive to outliers: see {@link #inputQuantile}). */
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

    /** Quantile q of an input statistic (from its sketch, 1 % relative accuracy), NaN if never seen. */
    public double inputQuantile(String name, double q) {
        DDSketch sketch = inputSketches.get(name);
        return sketch == null || sketch.isEmpty() ? Double.NaN : sketch.getValueAtQuantile(q);
    }

    /** Share of an input statistic's values below {@code x} (to the sketch's precision), NaN if never seen. */
    public double inputShareBelow(String name, double x) {
        DDSketch sketch = inputSketches.get(name);
        if (sketch == null || sketch.isEmpty()) {
            return Double.NaN;
        }
        IndexMapping mapping = sketch.getIndexMapping();
        double[] below = {0};
        sketch.getNegativeValueStore().forEach((index, count) -> {
            if (-mapping.value(index) < x) {
                below[0] += count;
            }
        });
        sketch.getPositiveValueStore().forEach((index, count) -> {
            if (mapping.value(index) < x) {
                below[0] += count;
            }
        });
        double zeros = sketch.getCount() - sketch.getNegativeValueStore().getTotalCount() - sketch.getPositiveValueStore().getTotalCount();
        if (x > 0) {
            below[0] += zeros;
        }
        return below[0] / sketch.getCount();
    }
}
