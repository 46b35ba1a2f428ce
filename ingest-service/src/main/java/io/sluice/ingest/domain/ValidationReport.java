package io.sluice.ingest.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Collects findings, applying each rule's action (reject → error, warn → warning, ignore → dropped). */
public final class ValidationReport {

    private final ValidationRules rules;
    private final List<Issue> issues = new ArrayList<>();

    public ValidationReport(ValidationRules rules) {
        this.rules = rules;
    }

    /** Records a finding of a rule, unless the rule is ignored. */
    public void add(String rule, String path, String message) {
        switch (rules.action(rule)) {
            case REJECT -> issues.add(new Issue(rule, Issue.Severity.ERROR, path, message));
            case WARN -> issues.add(new Issue(rule, Issue.Severity.WARNING, path, message));
            case IGNORE -> { }
        }
    }

    public boolean rejected() {
        return issues.stream().anyMatch(i -> i.severity() == Issue.Severity.ERROR);
    }

    /** Every finding, errors first, then by rule and path. */
    public List<Issue> issues() {
        return issues.stream().sorted(Comparator.comparing((Issue i) -> i.severity() == Issue.Severity.ERROR ? 0 : 1)
                .thenComparing(Issue::rule).thenComparing(i -> i.path() == null ? "" : i.path())).toList();
    }

    public List<Issue> warnings() {
        return issues().stream().filter(i -> i.severity() == Issue.Severity.WARNING).toList();
    }

    /**
     * The findings for an event: at most {@code perRule} per rule, plus one line per rule saying how
     * many more there are (the full list is in the report file).
     */
    public static List<Issue> summarise(List<Issue> issues, int perRule) {
        Map<String, List<Issue>> byRule = new LinkedHashMap<>();
        issues.forEach(i -> byRule.computeIfAbsent(i.rule() + "|" + i.severity(), k -> new ArrayList<>()).add(i));
        List<Issue> summary = new ArrayList<>();
        byRule.values().forEach(list -> {
            summary.addAll(list.subList(0, Math.min(perRule, list.size())));
            if (list.size() > perRule) {
                Issue first = list.get(0);
                summary.add(new Issue(first.rule(), first.severity(), null,
                        (list.size() - perRule) + " more " + first.rule() + " finding(s), see the validation report"));
            }
        });
        return summary;
    }
}
