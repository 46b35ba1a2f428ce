package io.sluice.monitoring.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import io.sluice.monitoring.domain.Check;
import io.sluice.monitoring.domain.MonitoringBoard;
import io.sluice.monitoring.domain.Verdict;
import io.sluice.monitoring.domain.VersionStats;
import io.sluice.monitoring.streams.MonitoringStores;

/**
 * {@code GET /monitoring/{model}}: the current aggregates per version (over the current release step) and the last verdict,
 * on any replica: the replica that holds the model's windows answers from its board, another one forwards the request to it
 * ({@link OwnerForwarding}, with the caller's credentials).
 */
@RestController
class MonitoringController {

    private final MonitoringBoard board;
    private final MonitoringStores stores;
    private final OwnerForwarding forwarding;

    MonitoringController(MonitoringBoard board, MonitoringStores stores, OwnerForwarding forwarding) {
        this.board = board;
        this.stores = stores;
        this.forwarding = forwarding;
    }

    @GetMapping("/monitoring/{model}")
    ResponseEntity<?> model(@PathVariable String model, HttpServletRequest request) {
        MonitoringStores.Owner owner = stores.owner(model);
        switch (owner.holder()) {
            case ANOTHER_INSTANCE:
                if (!OwnerForwarding.forwarded(request)) { // a forwarded request is answered here: ownership just moved
                    return forwarding.forward(owner, model, request);
                }
                break;
            case THIS_INSTANCE:
            case UNKNOWN:
                break;
        }
        return board.snapshot(model).<ResponseEntity<Map<String, Object>>>map(s -> ResponseEntity.ok(view(s,
                        board.production(model).orElse(null))))
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no monitoring data for model '" + model + "'"));
    }

    private static Map<String, Object> view(MonitoringBoard.Snapshot s, MonitoringBoard.ProductionCheck production) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", s.release().model());
        out.put("stableVersion", s.release().stableVersion());
        out.put("canaryVersion", s.release().canaryVersion());
        out.put("stepIndex", s.release().stepIndex());
        out.put("from", s.from().toString());
        out.put("to", s.to().toString());
        Map<String, Object> versions = new LinkedHashMap<>();
        s.versions().forEach((v, stats) -> versions.put(v, stats(stats)));
        out.put("versions", versions);
        out.put("lastVerdict", s.lastVerdict() == null ? null : verdict(s.lastVerdict(), s.verdictAt().toString()));
        if (production != null) {
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("version", production.version());
            check.put("predecessor", production.predecessor());
            check.put("promotedAt", production.promotedAt().toString());
            check.put("verdict", verdict(production.verdict(), production.at().toString()));
            out.put("productionCheck", check);
        }
        return out;
    }

    static Map<String, Object> stats(VersionStats stats) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("requests", stats.requests());
        out.put("errors", stats.errors());
        out.put("errorRate", stats.errorRate());
        out.put("latencyP50Ms", finite(stats.latencyQuantile(0.50)));
        out.put("latencyP95Ms", finite(stats.latencyQuantile(0.95)));
        out.put("latencyP99Ms", finite(stats.latencyQuantile(0.99)));
        out.put("meanConfidence", finite(stats.meanConfidence()));
        out.put("labelled", stats.labelled());
        out.put("accuracy", finite(stats.accuracy()));
        out.put("predictedClasses", stats.classCounts());
        out.put("clientErrors", stats.clientErrors());
        out.put("capacityRefusals", stats.capacityRefusals());
        out.put("flaggedInputs", stats.flaggedInputs());
        out.put("shadowAgreement", stats.compared() == 0 ? null : (double) stats.agreed() / stats.compared());
        return out;
    }

    private static Map<String, Object> verdict(Verdict verdict, String at) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("outcome", verdict.outcome().name());
        out.put("reason", verdict.reason());
        out.put("excluded", verdict.excluded());
        out.put("at", at);
        out.put("canaryRequests", verdict.canaryRequests());
        out.put("stableRequests", verdict.stableRequests());
        List<Map<String, Object>> checks = verdict.checks().stream().map(MonitoringController::check).toList();
        out.put("checks", checks);
        return out;
    }

    private static Map<String, Object> check(Check c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("metric", c.metric());
        out.put("candidateValue", finite(c.candidateValue()));
        out.put("baselineValue", c.baselineValue() == null ? null : finite(c.baselineValue()));
        out.put("candidateSamples", c.candidateSamples());
        out.put("baselineSamples", c.baselineSamples());
        out.put("statistic", c.statistic() == null ? null : finite(c.statistic()));
        out.put("threshold", finite(c.threshold()));
        out.put("decision", c.decision().name());
        out.put("reason", c.reason());
        return out;
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
