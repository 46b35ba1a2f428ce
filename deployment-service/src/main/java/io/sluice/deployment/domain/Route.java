package io.sluice.deployment.domain;

/**
 * One version in the routing table.
 *
 * @param version  model version
 * @param role     stable, canary or shadow
 * @param weight   percent of traffic it answers (0..100; shadows 0)
 * @param modelUri prefix of the version in the models bucket
 */
public record Route(String version, RouteRole role, int weight, String modelUri) {}
