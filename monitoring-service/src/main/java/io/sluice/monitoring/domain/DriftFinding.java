package io.sluice.monitoring.domain;

import java.util.List;

/**
 * A drift of one kind, with the checks that show it.
 *
 * @param kind   what drifted
 * @param checks every check of that kind, failed ones included
 * @param reason one human sentence
 */
public record DriftFinding(DriftKind kind, List<Check> checks, String reason) {

    public DriftFinding {
        checks = List.copyOf(checks);
    }
}
