package io.sluice.evaluation.domain;

/**
 * McNemar's test on paired per-sample correctness of two models scored on the same samples.
 * With fewer than {@value #EXACT_BELOW} discordant pairs it is the exact binomial test
 * (b ~ Binomial(b + c, 1/2)); otherwise the chi-square statistic with Edwards' continuity
 * correction, {@code (|b − c| − 1)² / (b + c)}, with one degree of freedom.
 *
 * @param onlyFirstCorrect   b: samples only the first model (the champion) got right
 * @param onlySecondCorrect  c: samples only the second model (the challenger) got right
 * @param statistic          the continuity-corrected chi-square statistic (0 when b + c = 0)
 * @param pValue             two-sided p-value (exact or chi-square, see above); 1 when b + c = 0
 * @param pSecondWorse       one-sided p-value of "the second model is worse" (small when b ≫ c)
 * @param exact              whether the exact binomial test was used
 */
public record McNemar(long onlyFirstCorrect, long onlySecondCorrect, double statistic, double pValue, double pSecondWorse,
                      boolean exact) {

    /** Below this many discordant pairs the exact binomial test is used. */
    public static final int EXACT_BELOW = 25;

    /** Counts the discordant pairs and runs the test. */
    public static McNemar test(ScoredSamples first, ScoredSamples second) {
        if (first.size() != second.size()) {
            throw new IllegalArgumentException("the models were scored on different samples: " + first.size() + " vs " + second.size());
        }
        long b = 0;
        long c = 0;
        for (int i = 0; i < first.size(); i++) {
            if (first.actual()[i] != second.actual()[i]) {
                throw new IllegalArgumentException("sample " + i + " has different true labels in the two scorings");
            }
            if (first.correct(i) && !second.correct(i)) {
                b++;
            } else if (!first.correct(i) && second.correct(i)) {
                c++;
            }
        }
        return of(b, c);
    }

    /** The test for given discordant counts b (only first correct) and c (only second correct). */
    public static McNemar of(long b, long c) {
        long n = b + c;
        if (n == 0) {
            return new McNemar(b, c, 0, 1, 1, true);
        }
        double statistic = Math.pow(Math.max(0, Math.abs(b - c) - 1), 2) / n;
        if (n < EXACT_BELOW) {
            double lower = binomialCdf(Math.min(b, c), n);
            double two = Math.min(1, 2 * lower);
            // P(B >= b) = 1 − P(B <= b − 1) under B ~ Bin(n, 1/2), i.e. P(C <= c) by symmetry
            double oneSided = binomialCdf(c, n);
            return new McNemar(b, c, statistic, two, oneSided, true);
        }
        double two = Special.erfc(Math.sqrt(statistic / 2));
        double oneSided = b > c ? two / 2 : 1 - two / 2;
        return new McNemar(b, c, statistic, two, oneSided, false);
    }

    /** P(X <= k) for X ~ Binomial(n, 1/2), summed in log space so large n does not underflow. */
    static double binomialCdf(long k, long n) {
        double sum = 0;
        for (long i = 0; i <= k; i++) {
            sum += Math.exp(Special.logChoose(n, i) - n * Math.log(2));
        }
        return Math.min(1, sum);
    }
}
