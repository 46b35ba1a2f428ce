package io.sluice.ingest.domain;

import java.util.List;
import java.util.Map;

/**
 * Validation thresholds and what each rule does when it fires.
 *
 * @param minSamplesPerClass fewest samples a class may have
 * @param minClasses         fewest classes a dataset may have
 * @param maxImbalanceRatio  largest allowed ratio between the biggest and the smallest class
 * @param csvLabelColumn     CSV label column when the dataset's manifest.json does not name one
 * @param classes            expected class names (empty: any); labels outside are unknown-label
 * @param actions            per rule id: REJECT, WARN or IGNORE; rules not listed use {@link #DEFAULT_ACTIONS}
 */
public record ValidationRules(int minSamplesPerClass, int minClasses, double maxImbalanceRatio, String csvLabelColumn,
                              List<String> classes, Map<String, Action> actions) {

    /** What a rule does when it fires. */
    public enum Action { REJECT, WARN, IGNORE }

    public static final String NO_SAMPLES = "no-samples";
    public static final String MIXED_LAYOUT = "mixed-layout";
    public static final String CORRUPT_FILE = "corrupt-file";
    public static final String INCONSISTENT_IMAGE = "inconsistent-image";
    public static final String MISSING_LABEL = "missing-label";
    public static final String UNKNOWN_LABEL = "unknown-label";
    public static final String MIN_SAMPLES = "min-samples-per-class";
    public static final String MIN_CLASSES = "min-classes";
    public static final String CLASS_IMBALANCE = "class-imbalance";
    public static final String EMPTY_ROW = "empty-row";
    public static final String RAGGED_ROW = "ragged-row";
    public static final String NON_NUMERIC = "non-numeric-feature";
    public static final String MISSING_LABEL_COLUMN = "missing-label-column";
    public static final String HEADER_MISMATCH = "header-mismatch";
    public static final String UNEXPECTED_FILE = "unexpected-file";
    public static final String INVALID_MANIFEST = "invalid-manifest";

    public static final Map<String, Action> DEFAULT_ACTIONS = Map.ofEntries(
            Map.entry(NO_SAMPLES, Action.REJECT), Map.entry(MIXED_LAYOUT, Action.REJECT),
            Map.entry(CORRUPT_FILE, Action.REJECT), Map.entry(INCONSISTENT_IMAGE, Action.REJECT),
            Map.entry(MISSING_LABEL, Action.REJECT), Map.entry(UNKNOWN_LABEL, Action.REJECT),
            Map.entry(MIN_SAMPLES, Action.REJECT), Map.entry(MIN_CLASSES, Action.REJECT),
            Map.entry(CLASS_IMBALANCE, Action.WARN), Map.entry(EMPTY_ROW, Action.WARN),
            Map.entry(RAGGED_ROW, Action.REJECT), Map.entry(NON_NUMERIC, Action.REJECT),
            Map.entry(MISSING_LABEL_COLUMN, Action.REJECT), Map.entry(HEADER_MISMATCH, Action.REJECT),
            Map.entry(UNEXPECTED_FILE, Action.WARN), Map.entry(INVALID_MANIFEST, Action.REJECT));

    public static final ValidationRules DEFAULT = new ValidationRules(5, 2, 10.0, "label", List.of(), Map.of());

    public ValidationRules {
        classes = classes == null ? List.of() : List.copyOf(classes);
        actions = actions == null ? Map.of() : Map.copyOf(actions);
        if (minSamplesPerClass < 1 || minClasses < 1 || maxImbalanceRatio < 1) {
            throw new IllegalArgumentException("min-samples-per-class and min-classes must be >= 1, max-imbalance-ratio >= 1");
        }
        for (String rule : actions.keySet()) {
            if (!DEFAULT_ACTIONS.containsKey(rule)) {
                throw new IllegalArgumentException("unknown validation rule '" + rule + "'; rules: " + DEFAULT_ACTIONS.keySet());
            }
        }
    }

    /** The action of a rule. */
    public Action action(String rule) {
        return actions.getOrDefault(rule, DEFAULT_ACTIONS.getOrDefault(rule, Action.REJECT));
    }
}
