package io.sluice.monitoring.domain;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Population stability index between two categorical distributions,
 * {@code Σ (a_i - b_i) ln(a_i / b_i)} over the shares of each category, with half a count added to
 * every category of both sides so that a category missing on one side stays finite. Rules of
 * thumb: below 0.1 stable, 0.1–0.25 moderate shift, above 0.25 major shift.
 */
public final class Psi {

    private Psi() {}

    /** PSI of counts {@code actual} against counts {@code expected}; 0 when either is empty. */
    public static double of(Map<String, Long> actual, Map<String, Long> expected) {
        Set<String> categories = new HashSet<>(actual.keySet());
        categories.addAll(expected.keySet());
        double totalA = 0;
        double totalE = 0;
        for (String c : categories) {
            totalA += actual.getOrDefault(c, 0L) + 0.5;
            totalE += expected.getOrDefault(c, 0L) + 0.5;
        }
        if (categories.isEmpty() || actual.isEmpty() || expected.isEmpty()) {
            return 0;
        }
        double psi = 0;
        for (String c : categories) {
            double a = (actual.getOrDefault(c, 0L) + 0.5) / totalA;
            double e = (expected.getOrDefault(c, 0L) + 0.5) / totalE;
            psi += (a - e) * Math.log(a / e);
        }
        return psi;
    }

    /** PSI of counts against expected shares (e.g. a training set's class distribution). */
    public static double ofShares(Map<String, Long> actual, Map<String, Double> expectedShares) {
        Set<String> categories = new HashSet<>(actual.keySet());
        categories.addAll(expectedShares.keySet());
        long n = actual.values().stream().mapToLong(Long::longValue).sum();
        if (n == 0 || expectedShares.isEmpty()) {
            return 0;
        }
        double totalA = n + 0.5 * categories.size();
        double eps = 1e-4;
        double totalE = 0;
        for (String c : categories) {
            totalE += Math.max(expectedShares.getOrDefault(c, 0.0), eps);
        }
        double psi = 0;
        for (String c : categories) {
            double a = (actual.getOrDefault(c, 0L) + 0.5) / totalA;
            double e = Math.max(expectedShares.getOrDefault(c, 0.0), eps) / totalE;
            psi += (a - e) * Math.log(a / e);
        }
        return psi;
    }

    /**
     * PSI of two distributions over the same bins, given as shares; each live share is smoothed with
     * half a count of {@code n} (the live sample size) and each expected share floored at 1e-4, so
     * that an empty bin stays finite.
     */
    public static double ofShareArrays(double[] actual, double[] expected, long n) {
        double smoothing = 0.5 / Math.max(1, n);
        double totalA = 0;
        double totalE = 0;
        for (int i = 0; i < actual.length; i++) {
            totalA += Math.max(actual[i], 0) + smoothing;
            totalE += Math.max(expected[i], 1e-4);
        }
        double psi = 0;
        for (int i = 0; i < actual.length; i++) {
            double a = (Math.max(actual[i], 0) + smoothing) / totalA;
            double e = Math.max(expected[i], 1e-4) / totalE;
            psi += (a - e) * Math.log(a / e);
        }
        return psi;
    }

    /** Standard normal cumulative distribution (Abramowitz and Stegun 7.1.26, absolute error below 1.5e-7). */
    public static double normalCdf(double z) {
        double x = Math.abs(z) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t
                * Math.exp(-x * x);
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }

    /**
     * Upper (1 - α) quantile of a chi-square distribution with {@code k} degrees of freedom
     * (Wilson–Hilferty approximation), used to keep PSI from firing on small samples: under no
     * shift, PSI·(1/n₁ + 1/n₂)⁻¹ is approximately chi-square with categories - 1 degrees of freedom.
     */
    public static double chiSquareQuantile(int k, double alpha) {
        double z = normalQuantile(1 - alpha);
        double c = 2.0 / (9.0 * k);
        double x = 1 - c + z * Math.sqrt(c);
        return k * x * x * x;
    }

    /** Standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9). */
    static double normalQuantile(double p) {
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
                -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
                -1.328068155288572e+01};
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
                4.374664141464968e+00, 2.938163982698783e+00};
        double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        double low = 0.02425;
        if (p < low) {
            double q = Math.sqrt(-2 * Math.log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - low) {
            double q = Math.sqrt(-2 * Math.log(1 - p));
            return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        double q = p - 0.5;
        double r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
}
