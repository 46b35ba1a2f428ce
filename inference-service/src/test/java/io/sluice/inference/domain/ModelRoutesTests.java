package io.sluice.inference.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ModelRoutesTests {

    private static final Route STABLE = new Route("v1", Role.STABLE, 90, "file:/m/v1/");
    private static final Route CANARY = new Route("v2", Role.CANARY, 10, "file:/m/v2/");
    private static final Route SHADOW = new Route("v3", Role.SHADOW, 0, "file:/m/v3/");

    @Test
    void splitsRandomTrafficByWeightWithinFourSigma() {
        ModelRoutes routes = new ModelRoutes("m", 1, List.of(STABLE, CANARY, SHADOW));
        int n = 100_000;
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(routes.pick(null).orElseThrow().version(), 1, Integer::sum);
        }
        double sigma = Math.sqrt(n * 0.1 * 0.9);
        assertThat(counts).doesNotContainKey("v3");
        assertThat((double) counts.get("v2")).isBetween(n * 0.1 - 4 * sigma, n * 0.1 + 4 * sigma);
    }

    @Test
    void splitsRoutingKeysByWeightAndKeepsEachKeyOnOneVersion() {
        ModelRoutes routes = new ModelRoutes("m", 1, List.of(STABLE, CANARY));
        int n = 20_000;
        int canary = 0;
        for (int i = 0; i < n; i++) {
            String version = routes.pick("caller-" + i).orElseThrow().version();
            assertThat(routes.pick("caller-" + i).orElseThrow().version()).isEqualTo(version);
            canary += version.equals("v2") ? 1 : 0;
        }
        double sigma = Math.sqrt(n * 0.1 * 0.9);
        assertThat((double) canary).isBetween(n * 0.1 - 4 * sigma, n * 0.1 + 4 * sigma);
    }

    @Test
    void movesOnlyStableKeysToTheCanaryWhenItGrows() {
        ModelRoutes ten = new ModelRoutes("m", 1, List.of(STABLE, CANARY));
        ModelRoutes fifty = new ModelRoutes("m", 2, List.of(new Route("v1", Role.STABLE, 50, "file:/m/v1/"),
                new Route("v2", Role.CANARY, 50, "file:/m/v2/")));
        for (int i = 0; i < 5_000; i++) {
            String key = "caller-" + i;
            if (ten.pick(key).orElseThrow().version().equals("v2")) {
                assertThat(fifty.pick(key).orElseThrow().version()).as(key).isEqualTo("v2");
            }
        }
    }

    @Test
    void picksNothingWhenNoAnsweringRouteHasWeight() {
        ModelRoutes routes = new ModelRoutes("m", 1, List.of(new Route("v1", Role.STABLE, 0, "file:/m/v1/"), SHADOW));
        assertThat(routes.pick(null)).isEmpty();
        assertThat(routes.pick("k")).isEmpty();
        assertThat(routes.shadows()).containsExactly(SHADOW);
    }

    @Test
    void ignoresOlderRevisionsOfTheTable() {
        RoutingTable table = new RoutingTable();
        List<ModelRoutes> applied = new java.util.ArrayList<>();
        table.onChange(applied::add);
        ModelRoutes second = new ModelRoutes("m", 2, List.of(CANARY));
        assertThat(table.apply(second)).isTrue();
        assertThat(table.apply(new ModelRoutes("m", 1, List.of(STABLE)))).isFalse();
        assertThat(table.apply(new ModelRoutes("m", 2, List.of(STABLE)))).isFalse();
        assertThat(table.get("m")).contains(second);
        assertThat(applied).containsExactly(second);
    }
}
