package io.sluice.evaluation.domain;

/**
 * One release gate: the measured value against its threshold.
 *
 * @param gate       gate id, e.g. {@code min-accuracy}
 * @param value      the measured value
 * @param threshold  the configured limit
 * @param comparator how value must compare with threshold to pass: {@code >=} or {@code <=}
 * @param passed     whether the gate passed
 * @param detail     one sentence explaining the result (the reason when it failed)
 */
public record GateResult(String gate, double value, double threshold, String comparator, boolean passed, String detail) {

    static GateResult atLeast(String gate, double value, double threshold, String what) {
        boolean passed = value >= threshold;
        return new GateResult(gate, value, threshold, ">=", passed,
                what + " " + format(value) + (passed ? " meets" : " is below") + " the minimum " + format(threshold));
    }

    static GateResult atMost(String gate, double value, double threshold, String what) {
        boolean passed = value <= threshold;
        return new GateResult(gate, value, threshold, "<=", passed,
                what + " " + format(value) + (passed ? " is within" : " exceeds") + " the maximum " + format(threshold));
    }

    static String format(double value) {
        return String.format(java.util.Locale.ROOT, "%.4f", value);
    }
}
