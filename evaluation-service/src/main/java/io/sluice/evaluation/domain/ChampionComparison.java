package io.sluice.evaluation.domain;

/**
 * The challenger against the production model (the champion), both scored on the same test split.
 *
 * @param championVersion    version of the champion
 * @param championAccuracy   champion's test accuracy
 * @param challengerAccuracy challenger's test accuracy
 * @param margin             largest accuracy drop tolerated
 * @param mcnemar            McNemar's test with the champion first (b = only champion correct)
 * @param challengerNotWorse whether the challenger neither drops more than the margin nor is significantly worse
 */
public record ChampionComparison(String championVersion, double championAccuracy, double challengerAccuracy, double margin,
                                 McNemar mcnemar, boolean challengerNotWorse) {}
