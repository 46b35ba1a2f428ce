package io.sluice.monitoring.domain;

/**
 * One metric of a canary analysis or drift check, with the evidence behind its decision.
 *
 * @param metric           e.g. error-rate, latency-p99, confidence, accuracy, prediction-psi
 * @param candidateValue   canary (or live) value; NaN when unknown
 * @param baselineValue    stable (or training) value, null when there is none
 * @param candidateSamples samples behind the candidate value
 * @param baselineSamples  samples behind the baseline value
 * @param statistic        test statistic (SPRT log-likelihood ratio, interval bound, PSI), null when not computed
 * @param threshold        the value the candidate is held to, in the metric's unit
 * @param decision         PASS, FAIL or INCONCLUSIVE
 * @param reason           one human sentence
 */
public record Check(String metric, double candidateValue, Double baselineValue, long candidateSamples, long baselineSamples,
                    Double statistic, double threshold, Decision decision, String reason) {}
