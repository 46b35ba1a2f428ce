package io.sluice.monitoring.messaging;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.sluice.monitoring.MonitoringProperties;
import io.sluice.monitoring.cards.ModelCardReferences;
import io.sluice.monitoring.domain.DriftDetector;
import io.sluice.monitoring.domain.DriftFinding;
import io.sluice.monitoring.domain.DriftReference;
import io.sluice.monitoring.domain.ModelWindow;
import io.sluice.monitoring.domain.MonitoringMemory;
import io.sluice.monitoring.domain.Release;
import io.sluice.monitoring.domain.RetrainingCooldown;
import io.sluice.monitoring.domain.VersionStats;
import io.sluice.monitoring.streams.MonitoringStores;
import io.sluice.platform.events.EventHeaders;
import io.sluice.platform.security.LogSafe;

/**
 * Every drift interval, compares each production (stable) version's recent traffic — of the models whose partitions
 * this replica holds — with its
 * training reference — from the model card, or else the version's own first window with enough
 * traffic — and publishes DriftDetected per kind found (at most once per kind per cooldown) and
 * RetrainingRequested (at most once per model per cooldown, never while a canary or shadow of the
 * model is in release). Cooldowns start once the event is on the broker.
 */
@Component
class DriftWatch {

    private static final Logger log = LoggerFactory.getLogger(DriftWatch.class);

    private final MonitoringStores stores;
    private final ModelCardReferences cards;
    private final DriftDetector detector;
    private final RetrainingCooldown retrainings;
    private final RetrainingCooldown drifts;
    private final DecisionHistory history;
    private final EventPublisher publisher;
    private final EventHeaders headers;
    private final MonitoringProperties properties;
    private final Clock clock;
    private final Map<String, DriftReference> firstWindows = new ConcurrentHashMap<>();

    DriftWatch(MonitoringStores stores, ModelCardReferences cards, DriftDetector detector, MonitoringMemory memory,
               DecisionHistory history, EventPublisher publisher, EventHeaders headers, MonitoringProperties properties, Clock clock) {
        this.stores = stores;
        this.cards = cards;
        this.detector = detector;
        this.retrainings = memory.retrainings();
        this.drifts = memory.drifts();
        this.history = history;
        this.publisher = publisher;
        this.headers = headers;
        this.properties = properties;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${sluice.monitoring.drift.interval:1m}", initialDelayString = "${sluice.monitoring.drift.interval:1m}")
    void check() {
        if (!history.ready()) {
            return; // until the requests already published are known, a restarted instance would ignore their cooldown
        }
        Instant now = clock.instant();
        for (Release release : stores.ownedReleases()) { // the models whose partitions this instance holds: one analyses each
            if (release.stableVersion() == null) {
                continue;
            }
            try {
                check(release, now);
            } catch (RuntimeException e) {
                log.warn("drift check of {} failed: {}", LogSafe.text(release.model()), LogSafe.text(e), e);
            }
        }
    }

    void check(Release release, Instant now) {
        Instant from = now.minus(properties.drift().range());
        Optional<ModelWindow> window = stores.window(release.model(), from, now);
        if (window.isEmpty()) {
            return;
        }
        VersionStats live = window.get().versionOrEmpty(release.stableVersion());
        Optional<DriftReference> reference = cards.reference(release.stableModelUri()).or(() -> firstWindow(release, live));
        if (reference.isEmpty()) {
            return;
        }
        List<DriftFinding> findings = detector.detect(live, reference.get());
        if (findings.isEmpty()) {
            return;
        }
        Map<String, Long> excluded = excluded(live);
        for (DriftFinding finding : findings) {
            String key = MonitoringMemory.driftKey(release.model(), release.stableVersion(), finding.kind().name());
            if (drifts.available(key, now) && publisher.publish(properties.topics().monitoring(), release.model(),
                    MonitoringEvents.drift(MonitoringEvents.header(headers, release), release, finding, from, now, excluded))) {
                drifts.started(key, now);
            }
        }
        if (release.inFlight()) {
            // a drift never cancels a release in progress: retraining is asked for once it has ended, if the drift persists
            log.info("{}: drift found while {} is in release; no retraining requested until the release ends",
                    LogSafe.text(release.model()), LogSafe.text(release.candidateVersion()));
            return;
        }
        if (retrainings.available(release.model(), now)) {
            String dataset = reference.get().datasetName() == null ? release.model() : reference.get().datasetName();
            if (publisher.publish(properties.topics().training(), release.model(),
                    MonitoringEvents.retraining(MonitoringEvents.header(headers, release), release, dataset, findings))) {
                retrainings.started(release.model(), now);
            }
        }
    }

    private static Map<String, Long> excluded(VersionStats live) {
        Map<String, Long> excluded = new java.util.HashMap<>();
        if (live.clientErrors() > 0) {
            excluded.put(io.sluice.monitoring.domain.Verdict.CLIENT_ERROR, live.clientErrors());
        }
        if (live.capacityRefusals() > 0) {
            excluded.put(io.sluice.monitoring.domain.Verdict.CAPACITY, live.capacityRefusals());
        }
        if (live.flaggedInputs() > 0) {
            excluded.put(io.sluice.monitoring.domain.Verdict.FLAGGED_INPUT, live.flaggedInputs());
        }
        return excluded;
    }

    /** The version's first drift range with enough traffic, kept as its reference (reference source: first-window). */
    private Optional<DriftReference> firstWindow(Release release, VersionStats live) {
        String key = release.model() + "#" + release.stableVersion();
        DriftReference known = firstWindows.get(key);
        if (known != null) {
            return Optional.of(known);
        }
        if (live.requests() >= properties.drift().minSamples() && live.lastMillis() - live.firstMillis() >= properties.drift().minSpan().toMillis()) {
            firstWindows.put(key, DriftReference.fromLive(live.copy(), Double.NaN, null));
        }
        return Optional.empty();
    }
}
