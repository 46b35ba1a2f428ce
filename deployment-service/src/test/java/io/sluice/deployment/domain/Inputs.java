package io.sluice.deployment.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.sluice.deployment.domain.ReleaseInput.Action;
import io.sluice.deployment.domain.ReleaseInput.Outcome;

/** Builds release inputs for one model on a clock the test moves. */
final class Inputs {

    static final String MODEL = "digits";

    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    Instant advance(Duration by) {
        now = now.plus(by);
        return now;
    }

    ReleaseInput.Approved approved(String version) {
        return approved(version, Strategy.CANARY);
    }

    ReleaseInput.Approved approved(String version, Strategy suggested) {
        advance(Duration.ofSeconds(1));
        return new ReleaseInput.Approved(UUID.randomUUID().toString(), now, "digits@" + version, MODEL, version, uri(version), suggested);
    }

    ReleaseInput.Verdict verdict(Outcome outcome, String version, int step, long samples) {
        advance(Duration.ofSeconds(1));
        return new ReleaseInput.Verdict(UUID.randomUUID().toString(), now, "digits@" + version, MODEL, version, "stable", step, outcome,
                List.of(check(samples)), outcome.name().toLowerCase() + " at step " + step);
    }

    ReleaseInput.Verdict healthy(String version, int step) {
        return verdict(Outcome.HEALTHY, version, step, 500);
    }

    ReleaseInput.Verdict degraded(String version, int step) {
        return verdict(Outcome.DEGRADED, version, step, 500);
    }

    ReleaseInput.Command command(Action action, String actor) {
        advance(Duration.ofSeconds(1));
        return new ReleaseInput.Command(MODEL, action, actor, "operator says " + action.name().toLowerCase(), now);
    }

    static Check check(long samples) {
        return new Check("error-rate", 0.01, 0.01, samples, samples * 9, 0.3, 0.05, "PASS", "error rate within bounds");
    }

    static String uri(String version) {
        return "file:/models/digits/" + version + "/";
    }
}
