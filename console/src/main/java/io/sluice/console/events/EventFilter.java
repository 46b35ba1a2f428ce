package io.sluice.console.events;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What an operator asked to see; an empty or null criterion matches everything. Type names
 * compare case-insensitively; model and dataset match the event's {@code modelName} and
 * {@code datasetName} fields, so raw records and events without that field do not match them.
 *
 * @param topics        topic names, empty for all
 * @param types         event type simple names ({@code DatasetReady}), empty for all
 * @param model         model name, or null
 * @param dataset       dataset name, or null
 * @param correlationId pipeline run (header correlationId), or null
 */
public record EventFilter(Set<String> topics, Set<String> types, String model, String dataset, String correlationId) {

    public static final EventFilter ALL = new EventFilter(Set.of(), Set.of(), null, null, null);

    public EventFilter {
        topics = topics == null ? Set.of() : topics.stream().filter(t -> !t.isBlank()).collect(Collectors.toUnmodifiableSet());
        types = types == null ? Set.of()
                : types.stream().filter(t -> !t.isBlank()).map(t -> t.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        model = blankToNull(model);
        dataset = blankToNull(dataset);
        correlationId = blankToNull(correlationId);
    }

    public boolean matches(EventView view) {
        if (!topics.isEmpty() && !topics.contains(view.topic())) {
            return false;
        }
        if (!types.isEmpty() && (view.type() == null || !types.contains(view.type().toLowerCase(Locale.ROOT)))) {
            return false;
        }
        if (model != null && !model.equals(view.modelName())) {
            return false;
        }
        if (dataset != null && !dataset.equals(view.datasetName())) {
            return false;
        }
        return correlationId == null || correlationId.equals(view.correlationId());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
