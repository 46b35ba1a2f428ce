package io.sluice.monitoring.messaging;

import java.time.Instant;
import java.util.List;

import org.apache.avro.specific.SpecificRecord;

import io.sluice.events.AnalysisWindow;
import io.sluice.events.CanaryDegraded;
import io.sluice.events.CanaryHealthy;
import io.sluice.events.CanaryInconclusive;
import io.sluice.events.CheckDecision;
import io.sluice.events.DriftDetected;
import io.sluice.events.EventHeader;
import io.sluice.events.MetricCheck;
import io.sluice.events.RetrainingRequested;
import io.sluice.events.TrainingTrigger;
import io.sluice.monitoring.domain.Check;
import io.sluice.monitoring.domain.DriftFinding;
import io.sluice.monitoring.domain.Release;
import io.sluice.monitoring.domain.Verdict;
import io.sluice.platform.events.EventHeaders;

/** Maps verdicts and drift findings to their Avro events. */
final class MonitoringEvents {

    private MonitoringEvents() {}

    /** The header of an event caused by the routing-table entry of a release. */
    static EventHeader header(EventHeaders headers, Release release) {
        return headers.causedBy(new EventHeader(release.causeEventId(), release.stepStart(),
                release.correlationId() == null ? release.model() : release.correlationId(), null, ""));
    }

    /**
     * The verdict event of a release step (or production check): {@code canaryVersion} is the
     * candidate (canary, shadow, or the new production version), {@code stepIndex} the routing
     * table's (-1 while shadowing and for production checks); the window says from which routing
     * revision requests were counted ({@code routingRevision}, -1 when by time alone) and what was
     * left out ({@code excluded}).
     */
    static SpecificRecord verdict(EventHeader header, Release release, Verdict verdict, Instant from, Instant to, long routingRevision) {
        AnalysisWindow window = AnalysisWindow.newBuilder().setStart(from).setEnd(to).setRoutingRevision(routingRevision)
                .setExcluded(new java.util.HashMap<>(verdict.excluded())).build();
        List<MetricCheck> checks = checks(verdict.checks());
        return switch (verdict.outcome()) {
            case HEALTHY -> healthy(header, release, verdict, window);
            case DEGRADED -> new CanaryDegraded(header, release.model(), release.candidateVersion(), release.stableVersion(),
                    release.stepIndex(), window, checks, verdict.reason());
            case INCONCLUSIVE -> new CanaryInconclusive(header, release.model(), release.candidateVersion(), release.stableVersion(),
                    release.stepIndex(), window, checks, verdict.reason());
        };
    }

    /**
     * A healthy verdict carries the checks that passed; checks left undecided for lack of evidence
     * (e.g. accuracy without feedback labels) do not gate and are named in the reason instead, so
     * that "fewest samples over the checks" means the evidence the verdict rests on.
     */
    private static CanaryHealthy healthy(EventHeader header, Release release, Verdict verdict, AnalysisWindow window) {
        List<Check> passed = verdict.checks().stream().filter(c -> c.decision() == io.sluice.monitoring.domain.Decision.PASS)
                .toList();
        List<String> open = verdict.checks().stream().filter(c -> c.decision() != io.sluice.monitoring.domain.Decision.PASS)
                .map(c -> c.metric() + " (" + c.reason() + ")").toList();
        String reason = open.isEmpty() ? verdict.reason()
                : verdict.reason() + "; not judged for lack of evidence: " + String.join("; ", open);
        return new CanaryHealthy(header, release.model(), release.candidateVersion(), release.stableVersion(), release.stepIndex(),
                window, checks(passed), reason);
    }

    /** A drift event; its window lists what was left out of the live statistics (flagged inputs, caller errors, refusals). */
    static DriftDetected drift(EventHeader header, Release release, DriftFinding finding, Instant from, Instant to,
                               java.util.Map<String, Long> excluded) {
        return new DriftDetected(header, release.model(), release.stableVersion(),
                io.sluice.events.DriftKind.valueOf(finding.kind().name()), AnalysisWindow.newBuilder().setStart(from).setEnd(to)
                .setExcluded(new java.util.HashMap<>(excluded)).build(), checks(finding.checks()), finding.reason());
    }

    static RetrainingRequested retraining(EventHeader header, Release release, String datasetName, List<DriftFinding> findings) {
        boolean accuracy = findings.stream().anyMatch(f -> f.kind() == io.sluice.monitoring.domain.DriftKind.ACCURACY);
        List<MetricCheck> evidence = findings.stream().flatMap(f -> f.checks().stream())
                .filter(c -> c.decision() == io.sluice.monitoring.domain.Decision.FAIL).map(MonitoringEvents::check).toList();
        String reason = String.join("; ", findings.stream().map(DriftFinding::reason).toList());
        return new RetrainingRequested(header, release.model(), release.stableVersion(), datasetName, null,
                accuracy ? TrainingTrigger.ACCURACY_DROP : TrainingTrigger.DRIFT, reason, evidence);
    }

    static List<MetricCheck> checks(List<Check> checks) {
        return checks.stream().map(MonitoringEvents::check).toList();
    }

    static MetricCheck check(Check c) {
        return new MetricCheck(c.metric(), c.candidateValue(), finiteOrNull(c.baselineValue()), c.candidateSamples(),
                c.baselineSamples(), finiteOrNull(c.statistic()), c.threshold(), CheckDecision.valueOf(c.decision().name()),
                c.reason());
    }

    private static Double finiteOrNull(Double value) {
        return value == null || !Double.isFinite(value) ? null : value;
    }
}
