package io.sluice.console.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.sluice.console.events.EventView;

/** One training run as the console draws it: its status and one point per epoch from {@code TrainingProgressed}. */
public final class TrainingRun {

    private final String runId;
    private final String model;
    private String status = "STARTED";
    private Map<String, Object> last;
    private final List<Object> epochs = new ArrayList<>();

    TrainingRun(String runId, String model) {
        this.runId = runId;
        this.model = model;
    }

    String model() {
        return model;
    }

    void add(EventView view) {
        switch (view.type()) {
            case "TrainingProgressed" -> {
                Object metrics = view.event().get("metrics");
                if (metrics != null && epochs.size() < 10_000) {
                    epochs.add(metrics);
                }
                status = "RUNNING";
            }
            case "TrainingCompleted" -> status = "COMPLETED";
            case "TrainingFailed" -> status = "FAILED";
            default -> { }
        }
        last = view.event();
    }

    View view() {
        return new View(runId, model, status, List.copyOf(epochs), last);
    }

    /**
     * A run for the UI.
     *
     * @param epochs the {@code metrics} record of every {@code TrainingProgressed}, in arrival order
     * @param last   the run's latest event
     */
    public record View(String runId, String modelName, String status, List<Object> epochs, Map<String, Object> last) {}
}
