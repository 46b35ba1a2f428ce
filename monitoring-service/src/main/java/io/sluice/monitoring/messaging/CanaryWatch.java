package io.sluice.monitoring.messaging;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.sluice.monitoring.MonitoringProperties;
import io.sluice.monitoring.domain.CanaryAnalyzer;
import io.sluice.monitoring.domain.ModelWindow;
import io.sluice.monitoring.domain.MonitoringBoard;
import io.sluice.monitoring.domain.MonitoringMemory;
import io.sluice.monitoring.domain.Recent;
import io.sluice.monitoring.domain.Release;
import io.sluice.monitoring.domain.Verdict;
import io.sluice.monitoring.domain.VerdictGate;
import io.sluice.monitoring.streams.MonitoringStores;
import io.sluice.platform.events.EventHeaders;
import io.sluice.platform.security.LogSafe;

/**
 * Every analysis interval, judges each canary (or shadow) in the routing table whose partition this replica holds
 * (no other replica judges it) over its current
 * release step — every window since the step started, requests served at the step's routing
 * revision or later — and publishes CanaryHealthy / CanaryDegraded once per step, CanaryInconclusive
 * periodically while the step stays undecided. Sends are synchronous; a step closes only once its
 * verdict is on the broker, so a failed send is sent again at the next analysis.
 */
@Component
class CanaryWatch {

    private static final Logger log = LoggerFactory.getLogger(CanaryWatch.class);

    private final MonitoringStores stores;
    private final CanaryAnalyzer analyzer;
    private final VerdictGate gate;
    private final DecisionHistory history;
    private final MonitoringBoard board;
    private final EventPublisher publisher;
    private final EventHeaders headers;
    private final MonitoringProperties properties;
    private final Clock clock;
    private final java.util.Map<String, ReleaseStart> releaseStarts = new java.util.concurrent.ConcurrentHashMap<>();

    CanaryWatch(MonitoringStores stores, CanaryAnalyzer analyzer, MonitoringMemory memory, DecisionHistory history, MonitoringBoard board,
                EventPublisher publisher, EventHeaders headers, MonitoringProperties properties, Clock clock) {
        this.stores = stores;
        this.analyzer = analyzer;
        this.gate = memory.canaries();
        this.history = history;
        this.board = board;
        this.publisher = publisher;
        this.headers = headers;
        this.properties = properties;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${sluice.monitoring.analysis-interval:1s}")
    void analyse() {
        if (!history.ready()) {
            return; // until the verdicts already published are known, a restarted instance would repeat them
        }
        Instant now = clock.instant();
        for (Release release : stores.ownedReleases()) { // the models whose partitions this instance holds: one analyses each
            try {
                analyse(release, now);
            } catch (RuntimeException e) {
                log.warn("analysis of {} failed: {}", LogSafe.text(release.model()), LogSafe.text(e), e);
            }
        }
    }

    void analyse(Release release, Instant now) {
        if (!release.inFlight()) {
            Instant from = now.minus(properties.drift().range());
            stores.window(release.model(), from, now).ifPresent(w -> board.aggregates(release, from, now, w));
            return;
        }
        Instant from = windowStart(release.stepStart(), properties.window());
        Optional<ModelWindow> found = stores.window(release.model(), from, now);
        if (found.isEmpty()) {
            return;
        }
        ModelWindow window = found.get();
        board.aggregates(release, from, now, window);
        if (gate.decided(release)) {
            return;
        }
        Instant releaseFrom = windowStart(releaseStart(release), properties.window());
        ModelWindow releaseWindow = releaseFrom.equals(from) ? window : stores.window(release.model(), releaseFrom, now).orElse(window);
        Recent recent = recent(release, from, releaseFrom, now);
        Verdict verdict = judge(analyzer, release, window, releaseWindow, recent, now);
        board.verdict(release, verdict, now);
        if (gate.due(release, verdict.outcome(), now)) {
            boolean sent = publisher.publish(properties.topics().monitoring(), release.model(), MonitoringEvents.verdict(
                    MonitoringEvents.header(headers, release), release, verdict, release.stepStart(), now, release.revision()));
            if (sent) {
                gate.published(release, verdict.outcome(), now);
                log.info("{} {} {} step {}: {} ({})", LogSafe.text(release.model()), release.hasCanary() ? "canary" : "shadow",
                        LogSafe.text(release.candidateVersion()), release.stepIndex(), verdict.outcome(), LogSafe.text(verdict.reason()));
            } // else the step stays open and the next analysis sends again
        }
    }

    /**
     * The verdict on a release step: the candidate (canary, or shadow) and stable over the step's
     * windows, counting only requests served at the step's routing revision or later (or of unknown
     * revision); the others are left out as before-step.
     */
    static Verdict judge(CanaryAnalyzer analyzer, Release release, ModelWindow window, ModelWindow releaseWindow, Recent recent,
                         Instant now) {
        String candidate = release.candidateVersion();
        long revision = release.revision();
        long beforeStep = window.requestsBefore(candidate, revision) + window.requestsBefore(release.stableVersion(), revision);
        long stepMillis = Math.max(0, now.toEpochMilli() - release.stepStart().toEpochMilli());
        var candidateStats = window.versionSince(candidate, revision);
        var stableStats = window.versionSince(release.stableVersion(), revision);
        return release.hasCanary()
                ? analyzer.analyze(candidateStats, stableStats, beforeStep, stepMillis, releaseWindow.versionOrEmpty(candidate),
                        releaseWindow.versionOrEmpty(release.stableVersion()), release.finalStep(), recent)
                : analyzer.analyzeShadow(candidateStats, stableStats, beforeStep, stepMillis);
    }

    /**
     * The trailing ranges of the step and the release for the recent judgement (the last 1, 2, 4 ... windows up to
     * {@code canary.recent}); none while the stores cannot be read or the judgement is off (the totals then decide alone,
     * at their share of alpha).
     */
    private Recent recent(Release release, Instant stepFrom, Instant releaseFrom, Instant now) {
        long recentMillis = analyzer.policy().recentMillis();
        long windowMillis = properties.window().toMillis();
        if (!analyzer.policy().judgesRecent() || !release.hasCanary()) {
            return null;
        }
        Instant from = windowStart(now, properties.window()).minusMillis(recentMillis);
        return stores.windows(release.model(), from.isBefore(releaseFrom) ? releaseFrom : from, now)
                .map(windows -> Recent.trailing(windows, release.candidateVersion(), release.stableVersion(), release.revision(),
                        stepFrom, releaseFrom, now, windowMillis, recentMillis))
                .orElseGet(Recent::none);
    }

    /**
     * When the candidate's release began, as far as this instance saw it: the start of the first
     * step it saw the candidate in (after a restart, the current step's start). Feedback accuracy is
     * judged over the whole release.
     */
    private Instant releaseStart(Release release) {
        return releaseStarts.compute(release.model(), (model, known) -> known != null
                && known.candidate().equals(release.candidateVersion()) && !known.start().isAfter(release.stepStart())
                ? known : new ReleaseStart(release.candidateVersion(), release.stepStart())).start();
    }

    private record ReleaseStart(String candidate, Instant start) {}

    /** Start of the window holding an instant (e.g. a step start, so that the step's first partial window counts). */
    static Instant windowStart(Instant at, java.time.Duration window) {
        long size = Math.max(1, window.toMillis());
        return Instant.ofEpochMilli(at.toEpochMilli() - Math.floorMod(at.toEpochMilli(), size));
    }
}
