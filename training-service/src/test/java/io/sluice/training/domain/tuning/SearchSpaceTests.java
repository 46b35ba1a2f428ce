package io.sluice.training.domain.tuning;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.sluice.training.domain.ModelSettings;
import org.junit.jupiter.api.Test;

/** Seeded sampling of the search space and the settings of a trial. */
class SearchSpaceTests {

    static final SearchSpace SPACE = new SearchSpace(40, 1e-4, 1e-1, List.of(16, 32, 64), List.of(List.of(32), List.of(128, 64)), 1, 9, 3, 7);
    static final ModelSettings BASE = new ModelSettings(null, List.of(16, 32), List.of(), 0, "adam", 0.001, 32, 20, 5, 42, List.of(), null,
            false, true);

    @Test
    void samplesTheSameTrialsForTheSameSeedAndOthersForAnother() {
        assertThat(SPACE.samples()).isEqualTo(SPACE.samples());
        SearchSpace other = new SearchSpace(40, 1e-4, 1e-1, List.of(16, 32, 64), List.of(List.of(32), List.of(128, 64)), 1, 9, 3, 8);
        assertThat(other.samples()).isNotEqualTo(SPACE.samples());
    }

    @Test
    void samplesLearningRatesLogUniformlyWithinTheBoundsAndOnlyConfiguredChoices() {
        List<Double> rates = SPACE.samples().stream().map(p -> Double.parseDouble(p.get("learningRate"))).toList();
        assertThat(rates).allMatch(r -> r >= 1e-4 * 0.999 && r <= 1e-1 * 1.001);
        // log-uniform: about half below the geometric mean 3.2e-3 (an arithmetic uniform would put ~97 % above it)
        assertThat(rates.stream().filter(r -> r < 3.16e-3).count()).isBetween(10L, 30L);
        assertThat(SPACE.samples()).allMatch(p -> List.of("16", "32", "64").contains(p.get("batchSize")))
                .allMatch(p -> List.of("32", "128,64").contains(p.get("hidden")));
    }

    @Test
    void trialZeroIsTheModelsCurrentParametersAndTheOthersAreSampled() {
        ModelSettings current = BASE.withTuned(Map.of("learningRate", "0.0042", "batchSize", "64", "hidden", "128,64"));

        assertThat(SPACE.trialParameters(0, current)).containsExactly(Map.entry("learningRate", "0.0042"), Map.entry("batchSize", "64"),
                Map.entry("hidden", "128,64"));
        assertThat(SPACE.trialParameters(3, current)).isEqualTo(SPACE.sample(3));
        assertThat(SPACE.trialSettings(current, SPACE.trialParameters(0, current)).learningRate()).isEqualTo(current.learningRate());
    }

    @Test
    void trialSettingsApplyTheParametersAndTheEpochBudgetWithoutWarmStart() {
        ModelSettings trial = SPACE.trialSettings(BASE, Map.of("learningRate", "0.02", "batchSize", "64", "hidden", "128,64"));

        assertThat(trial.learningRate()).isEqualTo(0.02);
        assertThat(trial.batchSize()).isEqualTo(64);
        assertThat(trial.hidden()).containsExactly(128, 64);
        assertThat(trial.maxEpochs()).isEqualTo(9);
        assertThat(trial.warmStart()).isFalse();
        assertThat(trial.patience()).isEqualTo(BASE.patience());
    }

    @Test
    void aWinnerWithoutHiddenKeepsTheModelsLayersAndUnknownKeysAreIgnored() {
        ModelSettings tuned = BASE.withTuned(Map.of("learningRate", "0.005", "somethingNew", "1"));

        assertThat(tuned.learningRate()).isEqualTo(0.005);
        assertThat(tuned.hidden()).isEqualTo(BASE.hidden());
        assertThat(tuned.batchSize()).isEqualTo(BASE.batchSize());
        assertThat(BASE.withTuned(Map.of())).isSameAs(BASE);
    }
}
