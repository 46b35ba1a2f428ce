package io.sluice.training.domain.tuning;

import static io.sluice.training.domain.tuning.SuccessiveHalving.Decision.CONTINUE;
import static io.sluice.training.domain.tuning.SuccessiveHalving.Decision.STOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The promotion rules of the successive-halving (ASHA) scheduler. */
class SuccessiveHalvingTests {

    @Test
    void placesRungsAtMinEpochsTimesPowersOfTheReductionFactorBelowTheBudget() {
        assertThat(new SuccessiveHalving(1, 27, 3).rungs()).containsExactly(1, 3, 9);
        assertThat(new SuccessiveHalving(1, 28, 3).rungs()).containsExactly(1, 3, 9, 27);
        assertThat(new SuccessiveHalving(2, 20, 2).rungs()).containsExactly(2, 4, 8, 16);
        assertThat(new SuccessiveHalving(5, 5, 3).rungs()).isEmpty();
    }

    @Test
    void refusesABudgetBelowTheFirstRungAndAReductionFactorBelowTwo() {
        assertThatThrownBy(() -> new SuccessiveHalving(4, 3, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SuccessiveHalving(1, 9, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SuccessiveHalving(0, 9, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keepsTheTopThirdOfTheTrialsAtARungWithTheDefaultFactor() {
        SuccessiveHalving asha = new SuccessiveHalving(1, 9, 3);
        // first arrivals are promoted on little evidence, as in ASHA
        assertThat(asha.report(1, 0.50)).isEqualTo(CONTINUE);
        assertThat(asha.report(1, 0.40)).isEqualTo(STOP); // 2 recorded: keep 1, one better
        assertThat(asha.report(1, 0.60)).isEqualTo(CONTINUE);
        assertThat(asha.report(1, 0.55)).isEqualTo(STOP); // 4 recorded: keep 1, 0.60 is better
        assertThat(asha.report(1, 0.45)).isEqualTo(STOP);
        assertThat(asha.report(1, 0.58)).isEqualTo(CONTINUE); // 6 recorded: keep 2, only 0.60 is better
        assertThat(asha.recordedAt(1)).isEqualTo(6);
    }

    @Test
    void letsEpochsBetweenRungsAndAtTheBudgetContinue() {
        SuccessiveHalving asha = new SuccessiveHalving(1, 9, 3);
        asha.report(3, 0.9);
        assertThat(asha.report(2, 0.0)).isEqualTo(CONTINUE);
        assertThat(asha.report(9, 0.0)).isEqualTo(CONTINUE);
        assertThat(asha.report(3, 0.1)).isEqualTo(STOP);
    }

    @Property
    void theFirstTrialAtARungAndTheBestSoFarAlwaysContinue(@ForAll @Size(min = 1, max = 40) List<@DoubleRange(min = 0, max = 1) Double> metrics,
                                                           @ForAll @IntRange(min = 2, max = 5) int factor) {
        SuccessiveHalving asha = new SuccessiveHalving(1, 100, factor);
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < metrics.size(); i++) {
            double metric = metrics.get(i);
            SuccessiveHalving.Decision decision = asha.report(1, metric);
            if (i == 0 || metric >= best) {
                assertThat(decision).isEqualTo(CONTINUE);
            }
            best = Math.max(best, metric);
        }
    }

    @Property
    void aTrialIsStoppedExactlyWhenAtLeastNOverEtaRecordedTrialsBeatIt(
            @ForAll @Size(min = 1, max = 40) List<@DoubleRange(min = 0, max = 1) Double> metrics, @ForAll @IntRange(min = 2, max = 5) int factor) {
        SuccessiveHalving asha = new SuccessiveHalving(1, 100, factor);
        List<Double> seen = new ArrayList<>();
        for (double metric : metrics) {
            seen.add(metric);
            long better = seen.stream().filter(m -> m > metric).count();
            int keep = Math.max(1, seen.size() / factor);
            assertThat(asha.report(1, metric)).isEqualTo(better >= keep ? STOP : CONTINUE);
        }
    }

    @Property
    void promotesOnlyTheFirstWhenTrialsArriveBestFirstAndEveryoneWhenWorstFirst(
            @ForAll @Size(min = 2, max = 40) java.util.Set<@DoubleRange(min = 0, max = 1) Double> distinct,
            @ForAll @IntRange(min = 2, max = 5) int factor) {
        // ASHA never waits for evidence: arrival order decides how strict the cut is
        List<Double> ascending = distinct.stream().sorted().toList();
        SuccessiveHalving worstFirst = new SuccessiveHalving(1, 100, factor);
        assertThat(ascending.stream().map(m -> worstFirst.report(1, m))).containsOnly(CONTINUE);
        SuccessiveHalving bestFirst = new SuccessiveHalving(1, 100, factor);
        List<SuccessiveHalving.Decision> decisions = ascending.stream().sorted(java.util.Comparator.reverseOrder())
                .map(m -> bestFirst.report(1, m)).toList();
        assertThat(decisions.get(0)).isEqualTo(CONTINUE);
        assertThat(decisions.subList(1, decisions.size())).containsOnly(STOP);
    }
}
