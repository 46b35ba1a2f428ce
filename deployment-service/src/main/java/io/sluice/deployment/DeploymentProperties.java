package io.sluice.deployment;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import io.sluice.deployment.domain.Strategy;

/**
 * Settings of the deployment-service (prefix {@code sluice.deployment}).
 *
 * @param steps                  canary weights in percent, walked in order; increasing, the last must be 100
 * @param strategy               release strategy when the model has none of its own and the approval suggests none that fits
 *                               (CANARY or SHADOW_FIRST; the first version of a model is always released IMMEDIATE)
 * @param models                 per model name: its own steps and/or strategy
 * @param minSamples             fewest candidate samples (the smallest over a verdict's checks) a healthy verdict needs to
 *                               advance a step
 * @param stepDeadline           how long a step waits for such a verdict before the release holds with a ReleaseHeld event
 * @param deadlineCheckInterval  how often step deadlines are checked
 * @param recoveryTimeout        how long rebuilding the releases of newly owned partitions may retry before the consumer rejoins
 * @param publishTimeout         how long an operator command's send is retried before the call fails (a decision's send is
 *                               retried until it succeeds)
 * @param commandWait            how long an operator call waits for the owner's outcome before answering 202 with the command id
 * @param verdictMemory          how many handled input event ids per model are remembered to drop duplicates
 */
@Validated
@ConfigurationProperties("sluice.deployment")
public record DeploymentProperties(@DefaultValue({"10", "25", "50", "100"}) @NotEmpty List<Integer> steps,
                                   @DefaultValue("CANARY") @NotNull Strategy strategy,
                                   @DefaultValue @Valid Map<String, ModelSettings> models,
                                   @DefaultValue("100") @PositiveOrZero long minSamples,
                                   @DefaultValue("30m") @NotNull Duration stepDeadline,
                                   @DefaultValue("5s") @NotNull Duration deadlineCheckInterval,
                                   @DefaultValue("4m") @NotNull Duration recoveryTimeout,
                                   @DefaultValue("2m") @NotNull Duration publishTimeout,
                                   @DefaultValue("5s") @NotNull Duration commandWait,
                                   @DefaultValue("1024") @Positive int verdictMemory) {

    /**
     * Release settings of one model.
     *
     * @param steps    its canary weights, or empty for the default
     * @param strategy its strategy, or null for the default / the approval's suggestion
     */
    public record ModelSettings(@DefaultValue List<Integer> steps, Strategy strategy) {}
}
