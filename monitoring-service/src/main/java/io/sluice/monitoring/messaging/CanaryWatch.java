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
import io.sluice.monitoring.domain.Release;
import io.sluice.monitoring.domain.Verdict;
import io.sluice.monitoring.domain.VerdictGate;
import io.sluice.monitoring.streams.MonitoringStores;
import io.sluice.platform.events.EventHeaders;

/**
 * Every analysis interval, judges each canary in the routing table over its current release step
 * (every window since the step started) and publishes CanaryHealthy / CanaryDegraded once per step,
 * CanaryInconclusive periodically while the step stays undecided.
 */
@Component
class CanaryWatch {

    private static final Logger log = LoggerFactory.getLogger(CanaryWatch.class);

    private final MonitoringStores stores;
    private final CanaryAnalyzer analyzer;
    private final VerdictGate gate;
    private final EventHistory history;
    private final MonitoringBoard board;
    private final EventPublisher publisher;
    private final EventHeaders headers;
    private final MonitoringProperties properties;
    private final Clock clock;

    CanaryWatch(MonitoringStores stores, CanaryAnalyzer analyzer, MonitoringMemory memory, EventHistory history, MonitoringBoard board,
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
        for (Release release : stores.releases()) {
            try {
                analyse(release, now);
            } catch (RuntimeException e) {
                log.warn("analysis of {} failed: {}", release.model(), e.toString(), e);
            }
        }
    }

    void analyse(Release release, Instant now) {
        if (!release.hasCanary()) {
            Instant from = now.minus(properties.drift().range());
            stores.window(release.model(), from, now).ifPresent(w -> board.aggregates(release, from, now, w));
            return;
        }
        Instant from = windowStart(release.stepStart(), properties.window());
        Optional<ModelWindow> window = stores.window(release.model(), from, now);
        if (window.isEmpty()) {
            return;
        }
        board.aggregates(release, from, now, window.get());
        if (gate.decided(release)) {
            return;
        }
        Verdict verdict = analyzer.analyze(window.get().versionOrEmpty(release.canaryVersion()),
                window.get().versionOrEmpty(release.stableVersion()));
        board.verdict(release, verdict, now);
        if (gate.shouldPublish(release, verdict.outcome(), now)) {
            publisher.publish(properties.topics().monitoring(), release.model(), MonitoringEvents.verdict(
                    MonitoringEvents.header(headers, release), release, verdict, release.stepStart(), now));
            log.info("{} canary {} step {}: {} ({})", release.model(), release.canaryVersion(), release.stepIndex(),
                    verdict.outcome(), verdict.reason());
        }
    }

    /** Start of the window holding an instant (e.g. a step start, so that the step's first partial window counts). */
    static Instant windowStart(Instant at, java.time.Duration window) {
        long size = Math.max(1, window.toMillis());
        return Instant.ofEpochMilli(at.toEpochMilli() - Math.floorMod(at.toEpochMilli(), size));
    }
}
