package io.sluice.monitoring.domain;

/**
 * Always-valid confidence sequence for a difference of means under a normal approximation: the
 * normal-mixture boundary of Robbins, as used by the mixture SPRT (Johari et al., "Always valid
 * inference", 2017). With mixing variance τ², the interval {@code estimate ± halfWidth} covers the
 * true difference at every sample size simultaneously with probability ≥ 1 - α, so it may be
 * checked after every window.
 */
public final class ConfidenceSequence {

    private ConfidenceSequence() {}

    /**
     * Half-width of the interval.
     *
     * @param variance variance of the estimate (e.g. s²₁/n₁ + s²₂/n₂), &gt; 0
     * @param tau      mixing standard deviation: the effect size the sequence is tuned for, &gt; 0
     * @param alpha    error probability over the whole sequence
     */
    public static double halfWidth(double variance, double tau, double alpha) {
        double t2 = tau * tau;
        double v = Math.max(variance, 1e-12);
        return Math.sqrt(2 * v * (v + t2) / t2 * Math.log(Math.sqrt((v + t2) / v) / alpha));
    }
}
