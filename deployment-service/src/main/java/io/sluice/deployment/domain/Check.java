package io.sluice.deployment.domain;

/**
 * One metric of a monitoring verdict, kept as the evidence of a decision.
 *
 * @param metric           e.g. error-rate, latency-p99
 * @param candidateValue   canary (or live) value
 * @param baselineValue    stable value, or null
 * @param candidateSamples samples behind the candidate value
 * @param baselineSamples  samples behind the baseline value
 * @param statistic        test statistic, or null
 * @param threshold        decision threshold
 * @param decision         PASS, FAIL, INCONCLUSIVE or UNKNOWN
 * @param reason           human-readable explanation
 */
public record Check(String metric, double candidateValue, Double baselineValue, long candidateSamples, long baselineSamples,
                    Double statistic, double threshold, String decision, String reason) {}
