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
        VersionStats live = live(10, 0.4, "a", "b");
        for (int i = 0; i < 400; i++) {
            live.addFeedback(i % 10 < 6); // 60 % against 90 % approved
        }
        assertThat(detector.detect(live, reference)).extracting(DriftFinding::kind).containsExactly(DriftKind.ACCURACY);
    }

    @Test
    void letsOneRetrainingThroughPerCooldown() {
        RetrainingCooldown cooldown = new RetrainingCooldown(Duration.ofHours(1));
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(cooldown.tryAcquire("m", t)).isTrue();
        assertThat(cooldown.tryAcquire("m", t.plusSeconds(600))).isFalse();
        assertThat(cooldown.tryAcquire("other", t.plusSeconds(600))).isTrue();
        assertThat(cooldown.tryAcquire("m", t.plusSeconds(3600))).isTrue();
    }

    @Test
    void publishesADecisionOncePerStepAndRepeatsInconclusiveOnlyAfterTheInterval() {
        VerdictGate gate = new VerdictGate(Duration.ofSeconds(30));
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        Release step0 = new Release("m", 1, "v1", null, "v2", 0, start, "run", "e1");
        assertThat(gate.shouldPublish(step0, Verdict.Outcome.INCONCLUSIVE, start.plusSeconds(5))).isFalse();
        assertThat(gate.shouldPublish(step0, Verdict.Outcome.INCONCLUSIVE, start.plusSeconds(30))).isTrue();
        assertThat(gate.shouldPublish(step0, Verdict.Outcome.HEALTHY, start.plusSeconds(31))).isTrue();
        assertThat(gate.shouldPublish(step0, Verdict.Outcome.HEALTHY, start.plusSeconds(32))).isFalse();
        Release step1 = new Release("m", 2, "v1", null, "v2", 1, start.plusSeconds(40), "run", "e2");
        assertThat(gate.shouldPublish(step1, Verdict.Outcome.DEGRADED, start.plusSeconds(41))).isTrue();
    }

    @Test
    void remembersAVerdictSeenOnTheTopicSoThatItsStepIsNotPublishedAgain() {
        VerdictGate gate = new VerdictGate(Duration.ofSeconds(30));
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        Release step0 = new Release("m", 1, "v1", null, "v2", 0, start, "run", "e1");
        gate.observed("m", Release.stepKey("v2", 0, start), true, start.plusSeconds(20));
        assertThat(gate.decided(step0)).isTrue();
        assertThat(gate.shouldPublish(step0, Verdict.Outcome.DEGRADED, start.plusSeconds(25))).isFalse();
        gate.observed("m", Release.stepKey("v2", 0, start), false, start.plusSeconds(26)); // a late inconclusive reopens nothing
        assertThat(gate.decided(step0)).isTrue();
        Release step1 = new Release("m", 2, "v1", null, "v2", 1, start.plusSeconds(40), "run", "e2");
        assertThat(gate.decided(step1)).isFalse();
        assertThat(gate.shouldPublish(step1, Verdict.Outcome.HEALTHY, start.plusSeconds(41))).isTrue();
    }

    @Test
    void restartsTheInconclusiveIntervalFromAnInconclusiveSeenOnTheTopic() {
        VerdictGate gate = new VerdictGate(Duration.ofSeconds(30));
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        Release step0 = new Release("m", 1, "v1", null, "v2", 0, start, "run", "e1");
        gate.observed("m", step0.stepKey(), false, start.plusSeconds(50));
        assertThat(gate.shouldPublish(step0, Verdict.Outcome.INCONCLUSIVE, start.plusSeconds(60))).isFalse();
        assertThat(gate.shouldPublish(step0, Verdict.Outcome.INCONCLUSIVE, start.plusSeconds(80))).isTrue();
    }

    @Test
    void keepsACooldownSeenOnTheTopic() {
        RetrainingCooldown cooldown = new RetrainingCooldown(Duration.ofHours(1));
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        cooldown.observed("m", t);
        assertThat(cooldown.tryAcquire("m", t.plusSeconds(600))).isFalse();
        assertThat(cooldown.tryAcquire("m", t.plusSeconds(3600))).isTrue();
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

    private static VersionStats live(int requests, double mean, String... classes) {
        VersionStats stats = new VersionStats();
        for (int i = 0; i < requests; i++) {
            double value = mean + 0.1 * ((i % 21) - 10) / 10.0;
            stats.addServed(false, 10, classes[i % classes.length], 0.9, Map.of("mean", value));
        }
        return stats;
    }
}
