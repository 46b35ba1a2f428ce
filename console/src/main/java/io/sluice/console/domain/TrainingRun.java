package io.sluice.console.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.sluice.console.events.EventView;

/**
 * One training run folded from its events (the run-summary projection behind the console's Training page, its
 * comparison and {@code sluice runs}): what it trained on and with which parameters ({@code TrainingStarted}), one point
 * per epoch ({@code TrainingProgressed}, or the history of {@code TrainingCompleted}), the version and best epoch it
 * produced, how it ended ({@code TrainingFailed}), and the evaluation's verdict with its test metrics and confusion
 * matrix ({@code ModelApproved} / {@code ModelRejected}, matched by run id). Events may come in any order across topics.
 */
public final class TrainingRun {

    static final int MAX_EPOCHS = 10_000;

    private final String runId;
    private String model;
    private String modelVersion;
    private String datasetName;
    private String datasetVersion;
    private String status = "STARTED";
    private String verdict;
    private String failure;
    private Instant startedAt;
    private Instant updatedAt;
    private final Map<String, String> parameters = new TreeMap<>();
    private final TreeMap<Integer, Map<String, Object>> epochs = new TreeMap<>();
    private Integer bestEpoch;
    private Double bestValidationAccuracy;
    private Long durationMillis;
    private Map<String, Object> evaluation;
    private String confusionMatrixUri;
    private List<String> reasons = List.of();
    private Map<String, Object> last;

    TrainingRun(String runId, String model) {
        this.runId = runId;
        this.model = model;
    }

    String model() {
        return model;
    }

    void add(EventView view) {
        Map<String, Object> event = view.event();
        Instant at = ConsoleState.occurredAt(view);
        startedAt = startedAt == null || at.isBefore(startedAt) ? at : startedAt;
        updatedAt = updatedAt == null || at.isAfter(updatedAt) ? at : updatedAt;
        model = model != null ? model : view.modelName();
        datasetName = first(view.field("datasetName"), datasetName);
        datasetVersion = first(view.field("datasetVersion"), datasetVersion);
        modelVersion = first(view.field("modelVersion"), modelVersion);
        switch (view.type()) {
            case "TrainingStarted" -> {
                startedAt = at;
                parameters(view);
                if (event.get("hyperParameters") instanceof Map<?, ?> hyper) {
                    hyper.forEach((k, v) -> parameters.put(String.valueOf(k), String.valueOf(v)));
                }
                put("trigger", view.field("trigger"));
                put("parent version", view.field("parentModelVersion"));
            }
            case "TrainingProgressed" -> {
                epoch(event.get("metrics"));
                status = "STARTED".equals(status) ? "RUNNING" : status;
            }
            case "TrainingCompleted" -> {
                parameters(view);
                if (event.get("history") instanceof List<?> history) {
                    history.forEach(this::epoch); // the whole curve, also where progress events were missed
                }
                bestEpoch = event.get("bestEpoch") instanceof Number n ? n.intValue() : null;
                bestValidationAccuracy = event.get("bestMetrics") instanceof Map<?, ?> best ? number(best.get("validationAccuracy")) : null;
                durationMillis = event.get("durationMillis") instanceof Number n ? n.longValue() : null;
                status = "COMPLETED";
            }
            case "TrainingFailed" -> {
                failure = view.field("reason");
                status = "FAILED";
            }
            case "ModelApproved", "ModelRejected" -> {
                verdict = "ModelApproved".equals(view.type()) ? "APPROVED" : "REJECTED";
                evaluation = event.get("metrics") instanceof Map<?, ?> metrics ? tree(metrics) : null;
                confusionMatrixUri = view.field("confusionMatrixUri");
                reasons = event.get("reasons") instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
                status = "STARTED".equals(status) || "RUNNING".equals(status) ? "COMPLETED" : status; // evaluated: it did complete
            }
            default -> { }
        }
        last = event;
    }

    private void parameters(EventView view) {
        put("architecture", view.field("architecture"));
        put("backend", view.field("backend"));
        put("device", view.field("device"));
    }

    private void put(String name, String value) {
        if (value != null) {
            parameters.put(name, value);
        }
    }

    private void epoch(Object metrics) {
        if (metrics instanceof Map<?, ?> map && map.get("epoch") instanceof Number n
                && (epochs.size() < MAX_EPOCHS || epochs.containsKey(n.intValue()))) {
            epochs.put(n.intValue(), tree(map)); // by epoch number: a resumed run's repeated epoch replaces the earlier one
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> tree(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    private static Double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : null;
    }

    private static String first(String value, String fallback) {
        return value != null ? value : fallback;
    }

    /** The best validation accuracy: the kept epoch's when the run completed, else the highest so far. */
    private Double validationAccuracy() {
        if (bestValidationAccuracy != null) {
            return bestValidationAccuracy;
        }
        return epochs.values().stream().map(e -> number(e.get("validationAccuracy"))).filter(a -> a != null)
                .max(Double::compare).orElse(null);
    }

    Summary summary() {
        return new Summary(runId, model, modelVersion, datasetName, datasetVersion, status, verdict,
                evaluation == null ? null : number(evaluation.get("accuracy")), validationAccuracy(), epochs.size(), startedAt, updatedAt);
    }

    View view() {
        return new View(runId, model, modelVersion, datasetName, datasetVersion, status, verdict,
                evaluation == null ? null : number(evaluation.get("accuracy")), validationAccuracy(), startedAt, updatedAt,
                Collections.unmodifiableMap(new TreeMap<>(parameters)), List.copyOf(new ArrayList<>(epochs.values())), bestEpoch, durationMillis,
                evaluation, confusionMatrixUri, reasons, failure, last);
    }

    /**
     * A run on one line: enough to tell five runs of the same model apart.
     *
     * @param status             STARTED, RUNNING, COMPLETED or FAILED (training's own outcome)
     * @param verdict            APPROVED or REJECTED once evaluated, else null
     * @param testAccuracy       the evaluation's accuracy on the test split (0..1), null until evaluated
     * @param validationAccuracy the best validation accuracy of any epoch (0..1), null before the first epoch
     * @param epochs             epochs seen
     */
    public record Summary(String runId, String modelName, String modelVersion, String datasetName, String datasetVersion,
                          String status, String verdict, Double testAccuracy, Double validationAccuracy, int epochs,
                          Instant startedAt, Instant updatedAt) {}

    /**
     * A run with everything a comparison shows.
     *
     * @param parameters   hyper-parameters plus architecture, backend, device, trigger and parent version, by name
     * @param epochs       one {@code EpochMetrics} tree per epoch, in epoch order
     * @param bestEpoch    the kept epoch, null until the run completed
     * @param evaluation   the evaluation's {@code EvaluationMetrics} tree (accuracy, macro scores, loss, class names,
     *                     {@code confusionMatrix[true][predicted]}), null until evaluated or when it could not be scored
     * @param reasons      why evaluation rejected it (empty otherwise)
     * @param failure      why training failed, else null
     * @param last         the run's latest event
     */
    public record View(String runId, String modelName, String modelVersion, String datasetName, String datasetVersion, String status,
                       String verdict, Double testAccuracy, Double validationAccuracy, Instant startedAt, Instant updatedAt,
                       Map<String, String> parameters, List<Map<String, Object>> epochs, Integer bestEpoch, Long durationMillis,
                       Map<String, Object> evaluation, String confusionMatrixUri, List<String> reasons, String failure,
                       Map<String, Object> last) {}
}
