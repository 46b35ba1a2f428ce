package io.sluice.monitoring.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A Kayenta-style judge (Netflix ACA): every {@code intervalSeconds} it compares the canary's and
 * stable's metric time series (one point per second) over the last {@code lookbackSeconds} with a
 * Mann-Whitney U test per metric — 5xx share, mean latency, accuracy — and classifies a metric as
 * failing when the canary is worse at significance {@code alpha} and its median is worse by more
 * than {@code tolerance} (relative; for rates, absolute: 5 pt × tolerance, so 10 % is 0.5 pt). The score is the share of passing
 * metrics; a score below {@code marginal} (75, Kayenta's common setting) rolls back.
 *
 * @param intervalSeconds how often a judgement runs
 * @param lookbackSeconds how much of the recent series it judges
 * @param alpha           one-sided significance of each metric's test
 * @param tolerance       relative worsening of a median that is still fine
 * @param marginal        score (0..100) below which the canary fails
 */
record MannWhitneyJudge(int intervalSeconds, int lookbackSeconds, double alpha, double tolerance, double marginal) {

    static MannWhitneyJudge kayenta(double alpha, double tolerance) {
        return new MannWhitneyJudge(60, 60, alpha, tolerance, 75);
    }

    /** One metric's series for the canary and for stable, higher = worse. */
    record Series(String metric, double[] canary, double[] stable, boolean rate) {}

    /** True when the judgement fails the canary. */
    boolean fails(List<Series> metrics) {
        int judged = 0;
        int passed = 0;
        for (Series s : metrics) {
            if (s.canary().length < 5 || s.stable().length < 5) {
                continue; // no data: the metric is not scored
            }
            judged++;
            double p = uTestWorse(s.canary(), s.stable());
            double mc = median(s.canary());
            double ms = median(s.stable());
            boolean worse = s.rate() ? mc - ms > 0.05 * tolerance : mc > ms * (1 + tolerance);
            if (!(p < alpha && worse)) {
                passed++;
            }
        }
        return judged > 0 && 100.0 * passed / judged < marginal;
    }

    /** One-sided p-value that {@code canary} is stochastically larger than {@code stable} (normal approximation with tie correction). */
    static double uTestWorse(double[] canary, double[] stable) {
        int n1 = canary.length;
        int n2 = stable.length;
        double[][] all = new double[n1 + n2][];
        for (int i = 0; i < n1; i++) {
            all[i] = new double[] {canary[i], 0};
        }
        for (int i = 0; i < n2; i++) {
            all[n1 + i] = new double[] {stable[i], 1};
        }
        Arrays.sort(all, (a, b) -> Double.compare(a[0], b[0]));
        double rankSum = 0;
        double tieTerm = 0;
        int i = 0;
        while (i < all.length) {
            int j = i;
            while (j + 1 < all.length && all[j + 1][0] == all[i][0]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            int ties = j - i + 1;
            tieTerm += (double) ties * ties * ties - ties;
            for (int k = i; k <= j; k++) {
                if (all[k][1] == 0) {
                    rankSum += rank;
                }
            }
            i = j + 1;
        }
        double u = rankSum - n1 * (n1 + 1) / 2.0;
        double mean = n1 * (double) n2 / 2;
        double n = n1 + n2;
        double variance = n1 * (double) n2 / 12 * ((n + 1) - tieTerm / (n * (n - 1)));
        if (variance <= 0) {
            return 1;
        }
        double z = (u - mean - 0.5) / Math.sqrt(variance);
        return 1 - io.sluice.monitoring.domain.Psi.normalCdf(z);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    String settings() {
        return String.format(Locale.ROOT, "kayenta: Mann-Whitney per metric at alpha %.0e, medians worse by > %.0f%%, every %d s over %d s,"
                + " rollback below score %.0f", alpha, tolerance * 100, intervalSeconds, lookbackSeconds, marginal);
    }
}
