package io.sluice.monitoring.domain;

/**
 * Wald's sequential probability ratio test for a Bernoulli rate: H0 {@code p = p0} (acceptable)
 * against H1 {@code p = p1 > p0} (degraded). The log-likelihood ratio of {@code k} events in
 * {@code n} trials is compared with Wald's bounds: at or above {@code ln((1-β)/α)} H1 is accepted
 * (false alarm probability ≤ α whenever the true rate ≤ p0), at or below {@code ln(β/(1-α))} H0
 * is accepted (miss probability ≤ β whenever the true rate ≥ p1). It may be re-evaluated after
 * every observation without inflating these errors.
 *
 * @param p0    rate under the null hypothesis, 0 &lt; p0 &lt; p1
 * @param p1    rate under the alternative, p1 &lt; 1
 * @param alpha tolerated probability of accepting H1 when H0 holds
 * @param beta  tolerated probability of accepting H0 when H1 holds
 */
public record Sprt(double p0, double p1, double alpha, double beta) {

    public Sprt {
        if (!(p0 > 0 && p0 < p1 && p1 < 1)) {
            throw new IllegalArgumentException("need 0 < p0 < p1 < 1, got p0=" + p0 + " p1=" + p1);
        }
        if (!(alpha > 0 && alpha < 1 && beta > 0 && beta < 1)) {
            throw new IllegalArgumentException("alpha and beta must lie in (0, 1)");
        }
    }

    /** Log-likelihood ratio of H1 against H0 after {@code events} events in {@code trials} trials. */
    public double logLikelihoodRatio(long events, long trials) {
        return events * Math.log(p1 / p0) + (trials - events) * Math.log((1 - p1) / (1 - p0));
    }

    /** Upper bound: accept H1 (degraded) at or above it. */
    public double upper() {
        return Math.log((1 - beta) / alpha);
    }

    /** Lower bound: accept H0 (acceptable) at or below it. */
    public double lower() {
        return Math.log(beta / (1 - alpha));
    }

    /** FAIL once H1 is accepted, PASS once H0 is accepted, INCONCLUSIVE in between. */
    public Decision decide(double logLikelihoodRatio) {
        if (logLikelihoodRatio >= upper()) {
            return Decision.FAIL;
        }
        if (logLikelihoodRatio <= lower()) {
            return Decision.PASS;
        }
        return Decision.INCONCLUSIVE;
    }
}
