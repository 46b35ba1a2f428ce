package io.sluice.training.domain.tuning;

import java.util.List;
import java.util.Map;

/**
 * How one trial of a search ended.
 *
 * @param trialId            {@code <searchId>-t<index>}
 * @param index              0-based position in the search's sample
 * @param parameters         the sampled parameters (see {@link SearchSpace#sample})
 * @param outcome            how it ended
 * @param epochs             epochs trained
 * @param validationAccuracy best validation accuracy over its epochs (0 when it failed before an epoch)
 * @param validationLoss     validation loss of that epoch
 * @param rungMetrics        validation accuracy at each rung it reached, in rung order (replayed into the scheduler on resume)
 * @param reason             why it failed or was stopped, or null when it completed
 */
public record TrialResult(String trialId, int index, Map<String, String> parameters, Outcome outcome, int epochs, double validationAccuracy,
                          double validationLoss, List<Double> rungMetrics, String reason) {

    /** How a trial ended. */
    public enum Outcome {
        /** Trained its whole budget (or stopped on its own patience). */
        COMPLETED,
        /** Stopped by the scheduler at a rung: among the worst there. */
        STOPPED_EARLY,
        /** The data or settings could not train (the reason says why). */
        FAILED
    }

    /** Whether this trial beats another: higher validation accuracy, then lower loss, then the earlier trial. */
    public boolean beats(TrialResult other) {
        if (validationAccuracy != other.validationAccuracy) {
            return validationAccuracy > other.validationAccuracy;
        }
        if (validationLoss != other.validationLoss) {
            return validationLoss < other.validationLoss;
        }
        return index < other.index;
    }
}
