package io.sluice.deployment.domain;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The rules a release follows.
 *
 * @param defaultSteps     canary weights in percent when a model has none of its own, e.g. 10, 25, 50, 100
 * @param stepsPerModel    canary weights per model name
 * @param defaultStrategy  strategy when neither the model's settings nor the approval say (CANARY or SHADOW_FIRST)
 * @param strategyPerModel strategy per model name (overrides the approval's suggestion)
 * @param minSamples       fewest candidate samples a healthy verdict needs to advance a step
 * @param stepDeadline     how long a step may wait for such a verdict before the release holds with an event
 * @param verdictMemory    how many handled event ids per model are remembered to drop duplicates
 */
public record ReleasePolicy(List<Integer> defaultSteps, Map<String, List<Integer>> stepsPerModel, Strategy defaultStrategy,
                            Map<String, Strategy> strategyPerModel, long minSamples, Duration stepDeadline, int verdictMemory) {

    public ReleasePolicy {
        defaultSteps = validSteps(defaultSteps, "default");
        stepsPerModel = Map.copyOf(stepsPerModel);
        stepsPerModel.forEach((model, steps) -> validSteps(steps, model));
        strategyPerModel = Map.copyOf(strategyPerModel);
        if (defaultStrategy == null || defaultStrategy == Strategy.IMMEDIATE) {
            throw new IllegalArgumentException("default strategy must be CANARY or SHADOW_FIRST");
        }
        if (minSamples < 0 || stepDeadline.isNegative() || stepDeadline.isZero() || verdictMemory < 1) {
            throw new IllegalArgumentException("minSamples >= 0, stepDeadline > 0 and verdictMemory >= 1 are required");
        }
    }

    /** The defaults: 10 → 25 → 50 → 100, canary, 100 samples, 30 minutes per step. */
    public static ReleasePolicy defaults() {
        return new ReleasePolicy(List.of(10, 25, 50, 100), Map.of(), Strategy.CANARY, Map.of(), 100, Duration.ofMinutes(30), 1024);
    }

    /** The steps of a model. */
    public List<Integer> steps(String model) {
        return stepsPerModel.getOrDefault(model, defaultSteps);
    }

    private static List<Integer> validSteps(List<Integer> steps, String owner) {
        if (steps == null || steps.isEmpty()) {
            throw new IllegalArgumentException("steps of " + owner + " must not be empty");
        }
        int previous = 0;
        for (int step : steps) {
            if (step <= previous || step > 100) {
                throw new IllegalArgumentException("steps of " + owner + " must increase within 1..100: " + steps);
            }
            previous = step;
        }
        if (previous != 100) {
            throw new IllegalArgumentException("the last step of " + owner + " must be 100: " + steps);
        }
        return List.copyOf(steps);
    }
}
