package io.sluice.monitoring.web;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.sluice.monitoring.domain.MonitoringBoard;
import io.sluice.monitoring.domain.VersionStats;
import io.sluice.monitoring.streams.MonitoringStores;

/**
 * Prometheus gauges per model and version over the current range of the board
 * ({@code sluice_monitoring_requests}, {@code _error_rate}, {@code _latency_p95_ms},
 * {@code _latency_p99_ms}, {@code _mean_confidence}, {@code _accuracy}), tagged with model, version
 * and role, plus {@code sluice_monitoring_verdict} (-1 degraded, 0 inconclusive, 1 healthy) per model; each replica
 * reports the models whose windows it holds.
 */
@Component
class VersionMetrics {

    private record Gauge(MultiGauge gauge, ToDoubleFunction<VersionStats> value) {}

    private final MonitoringBoard board;
    private final MonitoringStores stores;
    private final List<Gauge> gauges = new ArrayList<>();
    private final MultiGauge verdicts;

    VersionMetrics(MonitoringBoard board, MonitoringStores stores, MeterRegistry registry) {
        this.board = board;
        this.stores = stores;
        gauges.add(new Gauge(MultiGauge.builder("sluice.monitoring.requests").register(registry), VersionStats::requests));
        gauges.add(new Gauge(MultiGauge.builder("sluice.monitoring.error.rate").register(registry), VersionStats::errorRate));
        gauges.add(new Gauge(MultiGauge.builder("sluice.monitoring.latency.p95.ms").register(registry), s -> s.latencyQuantile(0.95)));
        gauges.add(new Gauge(MultiGauge.builder("sluice.monitoring.latency.p99.ms").register(registry), s -> s.latencyQuantile(0.99)));
        gauges.add(new Gauge(MultiGauge.builder("sluice.monitoring.mean.confidence").register(registry), VersionStats::meanConfidence));
        gauges.add(new Gauge(MultiGauge.builder("sluice.monitoring.accuracy").register(registry), VersionStats::accuracy));
        verdicts = MultiGauge.builder("sluice.monitoring.verdict").register(registry);
    }

    @Scheduled(fixedDelayString = "${sluice.monitoring.analysis-interval:1s}")
    void refresh() {
        // only the models this replica holds: another replica reports (and analyses) the others, and a model whose
        // windows moved away leaves no stale gauge here
        var snapshots = new java.util.HashMap<>(board.all());
        snapshots.keySet().removeIf(model -> !stores.owns(model));
        for (Gauge g : gauges) {
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            snapshots.forEach((model, s) -> s.versions().forEach((version, stats) -> {
                double value = g.value().applyAsDouble(stats);
                if (Double.isFinite(value)) {
                    rows.add(MultiGauge.Row.of(Tags.of("model", model, "version", version, "role", role(s, version)), value));
                }
            }));
            g.gauge().register(rows, true);
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        snapshots.forEach((model, s) -> {
            if (s.lastVerdict() != null) {
                double v = switch (s.lastVerdict().outcome()) {
                    case HEALTHY -> 1;
                    case DEGRADED -> -1;
                    case INCONCLUSIVE -> 0;
                };
                rows.add(MultiGauge.Row.of(Tags.of("model", model, "canary", String.valueOf(s.release().canaryVersion())), v));
            }
        });
        verdicts.register(rows, true);
    }

    private static String role(MonitoringBoard.Snapshot s, String version) {
        if (version.equals(s.release().canaryVersion())) {
            return "canary";
        }
        return version.equals(s.release().stableVersion()) ? "stable" : "other";
    }
}
