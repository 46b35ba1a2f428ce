package io.sluice.monitoring.messaging;

import java.time.Clock;
import java.time.Duration;
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
import io.sluice.monitoring.domain.Promotion;
import io.sluice.monitoring.domain.Release;
import io.sluice.monitoring.domain.Verdict;
import io.sluice.monitoring.domain.VerdictGate;
import io.sluice.monitoring.streams.MonitoringStores;
import io.sluice.platform.events.EventHeaders;
import io.sluice.platform.security.LogSafe;

/**
 * For {@code production-watch} after a promotion, judges the new production version's traffic (of the models whose
 * partitions this replica holds) since
 * the promotion against its predecessor's traffic over the same length before it — error rate and
 * latency only, with the canary's sequential tests on the same kinds of work ({@link CanaryAnalyzer#analyzeAgainstPredecessor}) — and publishes CanaryDegraded with step -1 (the deployment-service rolls production back
 * to the predecessor) at most once per promotion. Healthy and undecided checks publish nothing.
 */
@Component
class ProductionWatch {

    private static final Logger log = LoggerFactory.getLogger(ProductionWatch.class);

    private final MonitoringStores stores;
    private final CanaryAnalyzer analyzer;
    private final MonitoringMemory memory;
    private final VerdictGate gate;
    private final DecisionHistory history;
    private final MonitoringBoard board;
    private final EventPublisher publisher;
    private final EventHeaders headers;
    private final MonitoringProperties properties;
    private final Clock clock;

    ProductionWatch(MonitoringStores stores, CanaryAnalyzer analyzer, MonitoringMemory memory, DecisionHistory history,
                    MonitoringBoard board, EventPublisher publisher, EventHeaders headers, MonitoringProperties properties,
                    Clock clock) {
        this.stores = stores;
        this.analyzer = analyzer;
        this.memory = memory;
        this.gate = memory.production();
        this.history = history;
        this.board = board;
        this.publisher = publisher;
        this.headers = headers;
        this.properties = properties;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${sluice.monitoring.analysis-interval:1s}")
    void analyse() {
        if (properties.productionWatch().isZero() || properties.productionWatch().isNegative() || !history.ready()) {
            return;
        }
        Instant now = clock.instant();
        for (Release release : stores.ownedReleases()) { // the models whose partitions this instance holds: one analyses each
            try {
                analyse(release, now);
            } catch (RuntimeException e) {
                log.warn("production check of {} failed: {}", LogSafe.text(release.model()), LogSafe.text(e), e);
            }
        }
    }

    void analyse(Release release, Instant now) {
        if (release.stableVersion() == null) {
            return;
        }
        Optional<Promotion> latest = memory.promotions().latest(release.model());
        if (latest.isEmpty()) {
            return;
        }
        Promotion promotion = latest.get();
        Duration bake = properties.productionWatch();
        if (!promotion.version().equals(release.stableVersion()) || !promotion.hasPredecessor()
                || now.isAfter(promotion.at().plus(bake))) {
            return;
        }
        Release check = promotion.asRelease(release.revision());
        if (gate.decided(check)) {
            return;
        }
        // both ranges hold the window of the promotion: the predecessor's part of it is from before the promotion
        Instant split = CanaryWatch.windowStart(promotion.at(), properties.window());
        Instant earliest = now.minus(properties.retention());
        Instant baselineFrom = split.minus(bake).isBefore(earliest) ? earliest : split.minus(bake);
        Optional<ModelWindow> after = stores.window(release.model(), split, now);
        Optional<ModelWindow> before = stores.window(release.model(), baselineFrom, split);
        if (after.isEmpty() || before.isEmpty()) {
            return;
        }
        Verdict verdict = analyzer.analyzeAgainstPredecessor(after.get().versionOrEmpty(promotion.version()),
                before.get().versionOrEmpty(promotion.previousVersion()));
        board.production(release.model(), new MonitoringBoard.ProductionCheck(promotion.version(), promotion.previousVersion(),
                promotion.at(), verdict, now));
        if (verdict.outcome() == Verdict.Outcome.DEGRADED && gate.due(check, verdict.outcome(), now)
                && publisher.publish(properties.topics().monitoring(), release.model(), MonitoringEvents.verdict(
                        MonitoringEvents.header(headers, check), check, verdict, promotion.at(), now, -1))) {
            gate.published(check, verdict.outcome(), now);
            log.warn("{} production {} is worse than its predecessor {}: {}", LogSafe.text(release.model()),
                    LogSafe.text(promotion.version()), LogSafe.text(promotion.previousVersion()), LogSafe.text(verdict.reason()));
        }
    }
}
