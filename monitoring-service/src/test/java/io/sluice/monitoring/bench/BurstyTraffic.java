package io.sluice.monitoring.bench;

import java.util.Map;
import java.util.SplittableRandom;

import io.sluice.monitoring.domain.ServedRequest;
import io.sluice.monitoring.domain.Strata;
import io.sluice.monitoring.domain.VersionStats;

/**
 * Seeded synthetic traffic with the mix of work changing over time, as both versions of a release
 * see it: most inputs small (latency log-normal, median 150 ms, σ 0.4), and bursts of big inputs
 * (a burst starts with probability 1/60 each second and lasts 3–10 s; during it 30 % of the
 * requests are big, five times slower, and 3 % are refused for capacity). Besides, 1 % of all
 * requests are the caller's errors, and 20 % of the answered requests get a feedback label.
 * {@link #second} draws the shared mix once per second; {@link #serve} draws one version's requests.
 */
final class BurstyTraffic {

    static final double MEDIAN_MS = 150;
    static final double SIGMA = 0.4;
    static final double BIG_SLOWDOWN = 5;
    static final double BIG_SHARE_IN_BURST = 0.30;
    static final double REFUSALS_IN_BURST = 0.03;
    static final double CALLER_ERRORS = 0.01;
    static final double LABELLED = 0.20;
    static final String SMALL = Strata.of(1, 28 * 28);
    static final String BIG = Strata.of(1, 4096L * 4096 * 3);

    private final SplittableRandom random;
    private int burstLeft;

    BurstyTraffic(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Advances the shared mix by one second; true while a burst of big inputs runs. */
    boolean second() {
        if (burstLeft > 0) {
            burstLeft--;
        } else if (random.nextDouble() < 1 / 60.0) {
            burstLeft = 3 + random.nextInt(8);
        }
        return burstLeft > 0;
    }

    /**
     * What one second of one version looked like, for the rules that read metrics rather than the
     * aggregate: 5xx share (server errors and refusals) among all requests, mean latency of the
     * answered ones, and labels.
     */
    record SecondMetrics(long requests, long fiveXx, double latencySum, long answered, long labelled, long correct,
                         double latencyShiftLlr) {}

    /** The slowdown the latency oracle knows (every latency times this in the degraded case). */
    static final double ORACLE_SLOWDOWN = 1.5;

    /**
     * Adds {@code requests} requests of one version to {@code stats} and returns their metrics.
     *
     * @param burst         whether a burst of big inputs runs this second
     * @param errorRate     share of server errors among the requests the version answers or fails
     * @param latencyFactor every latency times this (1.5: p99 +50 %)
     * @param accuracy      probability that a labelled answer is right
     */
    SecondMetrics serve(VersionStats stats, int requests, boolean burst, double errorRate, double latencyFactor, double accuracy,
                        long atMillis) {
        long fiveXx = 0;
        double latencySum = 0;
        long answered = 0;
        long labelled = 0;
        long correct = 0;
        double shiftLlr = 0;
        double delta = Math.log(ORACLE_SLOWDOWN);
        for (int i = 0; i < requests; i++) {
            boolean big = burst && random.nextDouble() < BIG_SHARE_IN_BURST;
            String stratum = big ? BIG : SMALL;
            double u = random.nextDouble();
            ServedRequest.Kind kind;
            if (u < CALLER_ERRORS) {
                kind = ServedRequest.Kind.CLIENT_ERROR;
            } else if (burst && u < CALLER_ERRORS + REFUSALS_IN_BURST) {
                kind = ServedRequest.Kind.CAPACITY;
            } else {
                kind = random.nextDouble() < errorRate ? ServedRequest.Kind.SERVER_ERROR : ServedRequest.Kind.OK;
            }
            double latency = kind == ServedRequest.Kind.CLIENT_ERROR || kind == ServedRequest.Kind.CAPACITY ? 1
                    : latencyFactor * (big ? BIG_SLOWDOWN : 1) * MEDIAN_MS * Math.exp(SIGMA * gaussian());
            boolean ok = kind == ServedRequest.Kind.OK;
            stats.add(new ServedRequest(kind, latency, stratum, ok ? "c" + random.nextInt(10) : null, ok ? 0.85 : Double.NaN, Map.of(),
                    false, null, atMillis));
            if (kind == ServedRequest.Kind.SERVER_ERROR || kind == ServedRequest.Kind.CAPACITY) {
                fiveXx++;
            }
            if (ok) {
                answered++;
                latencySum += latency;
                // log-likelihood ratio of "every latency x1.5" against "as usual" for this answer, knowing its kind of work:
                // log-normal with the same sigma, log-median shifted by ln 1.5
                double y = Math.log(latency) - Math.log((big ? BIG_SLOWDOWN : 1) * MEDIAN_MS);
                shiftLlr += (y * y - (y - delta) * (y - delta)) / (2 * SIGMA * SIGMA);
                if (random.nextDouble() < LABELLED) {
                    boolean right = random.nextDouble() < accuracy;
                    stats.addFeedback(right);
                    labelled++;
                    if (right) {
                        correct++;
                    }
                }
            }
        }
        return new SecondMetrics(requests, fiveXx, latencySum, answered, labelled, correct, shiftLlr);
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

    private double gaussian() {
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
