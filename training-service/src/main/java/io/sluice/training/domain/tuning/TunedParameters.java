package io.sluice.training.domain.tuning;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The best parameters per model: the newest search winner of each model (by when it was decided), which later runs of
 * the model train with. Filled from the winner events on the training topic on every start, and by this replica's
 * own searches as they finish. Thread-safe.
 */
public final class TunedParameters {

    /** One model's winner. */
    public record Tuned(String searchId, Map<String, String> parameters, Instant decidedAt) {}

    private final Map<String, Tuned> byModel = new ConcurrentHashMap<>();

    /** Keeps a winner unless a newer one of the model is known already. */
    public void offer(String model, String searchId, Map<String, String> parameters, Instant decidedAt) {
        Tuned offered = new Tuned(searchId, Map.copyOf(parameters), decidedAt);
        byModel.merge(model, offered, (known, candidate) -> candidate.decidedAt().isBefore(known.decidedAt()) ? known : candidate);
    }

    /** The model's best parameters, empty when it was never tuned. */
    public Map<String, String> of(String model) {
        Tuned tuned = byModel.get(model);
        return tuned == null ? Map.of() : tuned.parameters();
    }

    /** The model's winner, or null. */
    public Tuned winner(String model) {
        return byModel.get(model);
    }
}
