package io.sluice.monitoring.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DriftAndCooldownTests {

    private final DriftDetector detector = new DriftDetector(DriftPolicy.defaults());
    private final DriftReference reference = new DriftReference("model-card",
            Map.of("mean", new DriftReference.Moments(0.4, 0.1)), Map.of("a", 0.5, "b", 0.5), 0.9, "digits");

    @Test
    void reportsInputDriftWhenTheLiveMeanMovesBeyondHalfAStandardDeviation() {
        VersionStats live = live(300, 0.47, "a", "b"); // shift 0.7 std
        assertThat(detector.detect(live, reference)).extracting(DriftFinding::kind).containsExactly(DriftKind.INPUT);
    }

    @Test
    void reportsNothingForLiveTrafficLikeTraining() {
        assertThat(detector.detect(live(300, 0.42, "a", "b"), reference)).isEmpty();
    }

    @Test
    void reportsPredictionDriftWhenOneClassTakesOver() {
        VersionStats live = live(300, 0.4, "a", "a", "a", "a", "a", "a", "a", "a", "a", "b");
        assertThat(detector.detect(live, reference)).extracting(DriftFinding::kind).containsExactly(DriftKind.PREDICTION);
    }

    @Test
    void reportsAnAccuracyDropBelowTheApprovalLevel() {
        VersionStats live = live(200, 0.4, "a", "b");
        for (int i = 0; i < 400; i++) {
            live.addFeedback(i % 10 < 6); // 60 % against 90 % approved
        }
        assertThat(detector.detect(live, reference)).extracting(DriftFinding::kind).containsExactly(DriftKind.ACCURACY);
    }

    @Test
    void findsNoInputDriftInOneRequestOfHugeInputsAmongNormalTraffic() {
        VersionStats live = live(260, 0.4, "a", "b");
        long at = live.lastMillis();
        for (int i = 0; i < 64; i++) { // one /infer with 64 inputs of 1e20, not flagged by the inference service
            live.add(new ServedRequest(ServedRequest.Kind.OK, 10, Strata.of(64, 784), "a", 0.9, Map.of("mean", 1e20), false, null, at));
        }
        assertThat(live.inputMean("mean")).as("the plain mean is ruined").isGreaterThan(1e18);
        assertThat(detector.detect(live, reference)).isEmpty();
    }

    @Test
    void keepsFlaggedInputsOutOfTheInputStatistics() {
        VersionStats live = live(260, 0.4, "a", "b");
        for (int i = 0; i < 300; i++) {
            live.add(new ServedRequest(ServedRequest.Kind.OK, 10, Strata.DEFAULT, "a", 0.9, Map.of("mean", 5.0), true, null,
                    live.lastMillis()));
        }
        assertThat(live.inputCount("mean")).isEqualTo(260);
        assertThat(live.flaggedInputs()).isEqualTo(300);
        assertThat(detector.detect(live, reference)).extracting(DriftFinding::kind).doesNotContain(DriftKind.INPUT);
    }

    @Test
    void judgesNoDriftOnTrafficSpanningLessThanTheMinimumSpan() {
        VersionStats burst = new VersionStats();
        long start = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
        for (int i = 0; i < 1000; i++) {
            burst.add(new ServedRequest(ServedRequest.Kind.OK, 10, Strata.DEFAULT, "a", 0.9, Map.of("mean", 0.9), false, null, start + i));
        }
        assertThat(detector.detect(burst, reference)).isEmpty();
        assertThat(new DriftDetector(new DriftPolicy(200, 0.5, 0.25, 50, 0.8, 0.02, 500)).detect(burst, reference))
                .extracting(DriftFinding::kind).contains(DriftKind.INPUT);
    }

    @Test
    void takesAFirstWindowReferenceThatAFewOutliersDoNotMove() {
        VersionStats first = live(300, 0.4, "a", "b");
        for (int i = 0; i < 10; i++) {
            first.add(new ServedRequest(ServedRequest.Kind.OK, 10, Strata.DEFAULT, "a", 0.9, Map.of("mean", 1e9), false, null,
                    first.lastMillis()));
        }
        DriftReference.Moments moments = DriftReference.fromLive(first, Double.NaN, null).inputs().get("mean");
        assertThat(moments.mean()).isCloseTo(0.4, org.assertj.core.data.Offset.offset(0.02));
        assertThat(moments.std()).isLessThan(0.2);
    }

    @Test
    void keepsAStepOpenWhenItsVerdictCouldNotBeSent() {
        VerdictGate gate = new VerdictGate(Duration.ofSeconds(30));
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        Release step0 = new Release("m", 1, "v1", null, "v2", null, 0, false, start, "run", "e1");
        assertThat(gate.due(step0, Verdict.Outcome.DEGRADED, start.plusSeconds(5))).isTrue();
        // the send failed: nothing recorded, so the next analysis sends again
        assertThat(gate.due(step0, Verdict.Outcome.DEGRADED, start.plusSeconds(6))).isTrue();
        assertThat(gate.decided(step0)).isFalse();
        gate.published(step0, Verdict.Outcome.DEGRADED, start.plusSeconds(6));
        assertThat(gate.due(step0, Verdict.Outcome.DEGRADED, start.plusSeconds(7))).isFalse();
        assertThat(gate.decided(step0)).isTrue();
    }

    @Test
    void letsOneRetrainingThroughPerCooldown() {
        RetrainingCooldown cooldown = new RetrainingCooldown(Duration.ofHours(1));
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(cooldown.available("m", t)).isTrue();
        cooldown.started("m", t);
        assertThat(cooldown.available("m", t.plusSeconds(600))).isFalse();
        assertThat(cooldown.available("other", t.plusSeconds(600))).isTrue();
        assertThat(cooldown.available("m", t.plusSeconds(3600))).isTrue();
    }

    @Test
    void publishesADecisionOncePerStepAndRepeatsInconclusiveOnlyAfterTheInterval() {
        VerdictGate gate = new VerdictGate(Duration.ofSeconds(30));
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        Release step0 = new Release("m", 1, "v1", null, "v2", null, 0, false, start, "run", "e1");
        assertThat(send(gate, step0, Verdict.Outcome.INCONCLUSIVE, start.plusSeconds(5))).isFalse();
        assertThat(send(gate, step0, Verdict.Outcome.INCONCLUSIVE, start.plusSeconds(30))).isTrue();
        assertThat(send(gate, step0, Verdict.Outcome.HEALTHY, start.plusSeconds(31))).isTrue();
        assertThat(send(gate, step0, Verdict.Outcome.HEALTHY, start.plusSeconds(32))).isFalse();
        Release step1 = new Release("m", 2, "v1", null, "v2", null, 1, false, start.plusSeconds(40), "run", "e2");
        assertThat(send(gate, step1, Verdict.Outcome.DEGRADED, start.plusSeconds(41))).isTrue();
    }

    @Test
    void remembersAVerdictSeenOnTheTopicSoThatItsStepIsNotPublishedAgain() {
        VerdictGate gate = new VerdictGate(Duration.ofSeconds(30));
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        Release step0 = new Release("m", 1, "v1", null, "v2", null, 0, false, start, "run", "e1");
        gate.observed("m", Release.stepKey("v2", 0, start), true, start.plusSeconds(20));
        assertThat(gate.decided(step0)).isTrue();
        assertThat(send(gate, step0, Verdict.Outcome.DEGRADED, start.plusSeconds(25))).isFalse();
        gate.observed("m", Release.stepKey("v2", 0, start), false, start.plusSeconds(26)); // a late inconclusive reopens nothing
        assertThat(gate.decided(step0)).isTrue();
        Release step1 = new Release("m", 2, "v1", null, "v2", null, 1, false, start.plusSeconds(40), "run", "e2");
        assertThat(gate.decided(step1)).isFalse();
        assertThat(send(gate, step1, Verdict.Outcome.HEALTHY, start.plusSeconds(41))).isTrue();
    }

    @Test
    void restartsTheInconclusiveIntervalFromAnInconclusiveSeenOnTheTopic() {
        VerdictGate gate = new VerdictGate(Duration.ofSeconds(30));
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        Release step0 = new Release("m", 1, "v1", null, "v2", null, 0, false, start, "run", "e1");
        gate.observed("m", step0.stepKey(), false, start.plusSeconds(50));
        assertThat(send(gate, step0, Verdict.Outcome.INCONCLUSIVE, start.plusSeconds(60))).isFalse();
        assertThat(send(gate, step0, Verdict.Outcome.INCONCLUSIVE, start.plusSeconds(80))).isTrue();
    }

    @Test
    void keepsACooldownSeenOnTheTopic() {
        RetrainingCooldown cooldown = new RetrainingCooldown(Duration.ofHours(1));
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        cooldown.observed("m", t);
        assertThat(cooldown.available("m", t.plusSeconds(600))).isFalse();
        assertThat(cooldown.available("m", t.plusSeconds(3600))).isTrue();
    }

    @Test
    void keepsTheLatestPromotionOfAModel() {
        Promotions promotions = new Promotions();
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        promotions.observed(new Promotion("m", "v3", "v2", t.plusSeconds(60), "e3", "run"));
        promotions.observed(new Promotion("m", "v2", "v1", t, "e2", "run")); // replayed out of order
        assertThat(promotions.latest("m")).map(Promotion::version).contains("v3");
        Release check = promotions.latest("m").orElseThrow().asRelease(9);
        assertThat(check.canaryVersion()).isEqualTo("v3");
        assertThat(check.stableVersion()).isEqualTo("v2");
        assertThat(check.stepIndex()).isEqualTo(-1);
        assertThat(new Promotion("m", "v1", null, t, "e1", "run").hasPredecessor()).isFalse();
    }

    /** What a watch does: send when due, and close the gate only when the send succeeded. */
    private static boolean send(VerdictGate gate, Release release, Verdict.Outcome outcome, Instant now) {
        if (!gate.due(release, outcome, now)) {
            return false;
        }
        gate.published(release, outcome, now);
        return true;
    }

    /** {@code requests} requests one second apart whose input "mean" spreads evenly ±0.1 around {@code mean}. */
    static VersionStats live(int requests, double mean, String... classes) {
        VersionStats stats = new VersionStats();
        long start = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
        for (int i = 0; i < requests; i++) {
            double value = mean + 0.1 * ((i % 21) - 10) / 10.0;
            stats.add(new ServedRequest(ServedRequest.Kind.OK, 10, Strata.DEFAULT, classes[i % classes.length], 0.9,
                    Map.of("mean", value), false, null, start + 1000L * i));
        }
        return stats;
    }
}
