package io.sluice.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cloud.stream.binder.BinderFactory;
import org.springframework.cloud.stream.binder.kafka.KafkaMessageChannelBinder;
import org.springframework.messaging.MessageChannel;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.sluice.events.CanaryDegraded;
import io.sluice.events.CanaryHealthy;
import io.sluice.events.CanaryInconclusive;
import io.sluice.events.CheckDecision;
import io.sluice.events.DeploymentState;
import io.sluice.events.DriftDetected;
import io.sluice.events.DriftKind;
import io.sluice.events.Events;
import io.sluice.events.PredictionOutcome;
import io.sluice.events.PredictionServed;
import io.sluice.events.ReleasePhase;
import io.sluice.events.RetrainingRequested;
import io.sluice.events.Route;
import io.sluice.events.RouteRole;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.security.Role;
import io.sluice.platform.testkit.RouteWalk;
import io.sluice.platform.testkit.SluiceKafka;

/**
 * The forced decisions of issue 12, replayed as telemetry through an embedded KRaft broker: caller
 * errors and capacity refusals on a canary, a step judged on traffic served before it, a burst of
 * big inputs on both sides (and after a promotion), one request of huge inputs on a healthy model —
 * none of them degrades, promotes or retrains anything — while real degradations (server errors,
 * a latency slowdown, wrong answers by feedback, a real drift, a contradicting shadow) are still
 * caught, and a drift during a release asks for no retraining.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "sluice.monitoring.window=2s", "sluice.monitoring.grace=10s", "sluice.monitoring.analysis-interval=300ms",
        "sluice.monitoring.inconclusive-every=3s", "sluice.monitoring.min-samples=100",
        "sluice.monitoring.canary.min-step-duration=8s", "sluice.monitoring.canary.min-labels=50", "sluice.monitoring.production-watch=10m",
        "sluice.monitoring.drift.interval=1s", "sluice.monitoring.drift.range=10m", "sluice.monitoring.drift.min-span=1s",
        "spring.kafka.streams.properties.commit.interval.ms=200"})
class ForcedDecisionsIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final long BIG_INPUT = 4096L * 4096 * 3;
    private static final long SMALL_INPUT = 28 * 28;
    private static final Path dataDir = tempDir();

    @RegisterExtension
    static SluiceKafka kafka = new SluiceKafka();

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) throws Exception {
        kafka.register(registry);
        registry.add("sluice.data-dir", dataDir::toString);
        registry.add("sluice.monitoring.state-dir", () -> dataDir.resolve("streams").toString());
        registry.add("sluice.security.keys", RouteWalk::keysProperty);
    }

    @LocalServerPort
    int port;

    @Autowired
    BinderFactory binders;

    private final HttpClient http = HttpClient.newHttpClient();

    private static boolean played;

    /** Plays the traffic once, with the service already running, so that event times and the service's clock agree. */
    @BeforeEach
    void playTrafficOnce() throws Exception {
        synchronized (ForcedDecisionsIntegrationTests.class) {
            if (!played) {
                playTraffic();
                played = true;
            }
        }
    }

    static void playTraffic() throws Exception {
        Traffic t = new Traffic(Instant.now(), new Random(12));
        // caller errors: 125 oversized requests to the canary (once counted as errors, they rolled it back)
        t.canary("callers", 5, t.base.minusSeconds(6));
        t.served("callers", "v1", RouteRole.STABLE, 3000, 100, 1.0, 5);
        t.outcome("callers", "v2", RouteRole.CANARY, PredictionOutcome.CLIENT_ERROR, 125, 5);
        t.served("callers", "v2", RouteRole.CANARY, 600, 100, 1.0, 5);
        // capacity refusals: 125 queue-full answers of the canary
        t.canary("refusals", 5, t.base.minusSeconds(6));
        t.served("refusals", "v1", RouteRole.STABLE, 3000, 100, 1.0, 5);
        t.outcome("refusals", "v2", RouteRole.CANARY, PredictionOutcome.REJECTED, 125, 5);
        t.served("refusals", "v2", RouteRole.CANARY, 600, 100, 1.0, 5);
        // a step that began a second ago: plenty of traffic served under the previous revision, little under its own
        t.canary("early-step", 9, t.base.minusSeconds(1));
        t.served("early-step", "v1", RouteRole.STABLE, 1500, 100, 1.0, 8);
        t.served("early-step", "v2", RouteRole.CANARY, 500, 100, 1.0, 8);
        t.served("early-step", "v1", RouteRole.STABLE, 40, 100, 1.0, 9);
        t.served("early-step", "v2", RouteRole.CANARY, 10, 100, 1.0, 9);
        // a burst of big inputs that both sides see, the canary more of them by the luck of routing
        t.canary("burst", 5, t.base.minusSeconds(6));
        t.big("burst", "v1", RouteRole.STABLE, 150, 5);
        t.big("burst", "v2", RouteRole.CANARY, 60, 5);
        t.served("burst", "v1", RouteRole.STABLE, 5400, 100, 1.0, 5);
        t.served("burst", "v2", RouteRole.CANARY, 600, 100, 1.0, 5);
        // real degradations: server errors 1 % -> 5 % (with caller errors beside them), p99 +50 %
        t.canary("server-errors", 5, t.base.minusSeconds(6));
        t.served("server-errors", "v1", RouteRole.STABLE, 3000, 100, 1.0, 5);
        t.outcome("server-errors", "v2", RouteRole.CANARY, PredictionOutcome.CLIENT_ERROR, 30, 5);
        t.served("server-errors", "v2", RouteRole.CANARY, 600, 20, 1.0, 5);
        t.canary("slow", 5, t.base.minusSeconds(6));
        t.served("slow", "v1", RouteRole.STABLE, 5400, 100, 1.0, 5);
        t.served("slow", "v2", RouteRole.CANARY, 600, 100, 1.5, 5);
        // shadows: one agreeing with stable on 97 % of the same requests, one on 30 %
        t.shadow("shadowed", 3);
        t.served("shadowed", "v1", RouteRole.STABLE, 1500, 100, 1.0, 3);
        t.shadowAnswers("shadowed", 1500, 0.97);
        t.shadow("shadow-wrong", 3);
        t.served("shadow-wrong", "v1", RouteRole.STABLE, 1500, 100, 1.0, 3);
        t.shadowAnswers("shadow-wrong", 1500, 0.3);
        // production after a promotion: a burst of big PNGs right after it, and a real slowdown
        t.promotion("prod-burst", 1.0);
        t.big("prod-burst", "v2", RouteRole.STABLE, 30, 7);
        t.promotion("prod-slow", 1.5);
        // drift: one request of 64 inputs of 1e20 among normal traffic; a real drift; a real drift during a release
        t.production("outlier", t.card("outlier", 0.4, 0.05));
        t.inputs("outlier", "v1", 300, 0.4);
        t.served.add(record(SluiceTopics.PREDICTIONS, "outlier", t.request("outlier", "v1", RouteRole.STABLE, PredictionOutcome.OK, 1.0,
                2, t.base.plusMillis(1500)).setBatchSize(64).setInputStats(Map.of("mean", 1e20)).build()));
        t.production("drifted", t.card("drifted", 0.4, 0.05));
        t.inputs("drifted", "v1", 300, 0.9);
        t.releaseWithCard("drift-in-release", t.card("drift-in-release", 0.4, 0.05));
        t.inputs("drift-in-release", "v1", 300, 0.9);
        t.send();
    }

    @Test
    void keepsACanaryHealthyWhoseOnlyExtraFailuresAreTheCallersOwn() {
        CanaryHealthy healthy = kafka.await(SluiceTopics.MONITORING, CanaryHealthy.class, e -> e.getModelName().equals("callers"), WAIT);
        assertThat(healthy.getWindow().getExcluded()).containsEntry("client-error", 125L);
        assertThat(healthy.getWindow().getRoutingRevision()).isEqualTo(5);
        assertThat(healthy.getReason()).contains("125 client-error");
        assertThat(kafka.events(SluiceTopics.MONITORING)).noneMatch(e -> e instanceof CanaryDegraded d && d.getModelName().equals("callers"));
    }

    @Test
    void holdsButNeverRollsBackACanaryThatRefusesRequestsForCapacity() {
        CanaryInconclusive held = kafka.await(SluiceTopics.MONITORING, CanaryInconclusive.class,
                e -> e.getModelName().equals("refusals") && e.getWindow().getExcluded().containsKey("capacity"), WAIT);
        assertThat(held.getWindow().getExcluded()).containsEntry("capacity", 125L);
        assertThat(held.getReason()).contains("capacity refusals");
        assertThat(held.getChecks()).anySatisfy(c -> {
            assertThat(c.getMetric()).isEqualTo("error-rate");
            assertThat(c.getDecision()).isEqualTo(CheckDecision.PASS);
        });
        assertThat(kafka.events(SluiceTopics.MONITORING)).noneMatch(e -> (e instanceof CanaryDegraded d && d.getModelName().equals("refusals"))
                || (e instanceof CanaryHealthy h && h.getModelName().equals("refusals")));
    }

    @Test
    void judgesAStepOnlyOnTheTrafficServedUnderItsOwnRoutingRevision() {
        CanaryInconclusive held = kafka.await(SluiceTopics.MONITORING, CanaryInconclusive.class,
                e -> e.getModelName().equals("early-step") && e.getWindow().getExcluded().getOrDefault("before-step", 0L) == 2000L, WAIT);
        assertThat(held.getWindow().getRoutingRevision()).isEqualTo(9);
        assertThat(held.getWindow().getExcluded()).containsEntry("before-step", 2000L);
        assertThat(held.getReason()).contains("too little traffic: 10 canary and 40 stable requests");
        assertThat(kafka.events(SluiceTopics.MONITORING)).noneMatch(e -> e instanceof CanaryHealthy h && h.getModelName().equals("early-step"));
    }

    @Test
    void comparesABurstOfBigInputsWithStablesBigInputs() {
        CanaryHealthy healthy = kafka.await(SluiceTopics.MONITORING, CanaryHealthy.class, e -> e.getModelName().equals("burst"), WAIT);
        assertThat(healthy.getChecks()).filteredOn(c -> c.getMetric().startsWith("latency"))
                .hasSize(2).allSatisfy(c -> assertThat(c.getDecision()).isEqualTo(CheckDecision.PASS));
        assertThat(kafka.events(SluiceTopics.MONITORING)).noneMatch(e -> e instanceof CanaryDegraded d && d.getModelName().equals("burst"));
    }

    @Test
    void stillRollsBackRealDegradations() {
        CanaryDegraded errors = kafka.await(SluiceTopics.MONITORING, CanaryDegraded.class, e -> e.getModelName().equals("server-errors"), WAIT);
        assertThat(errors.getChecks()).anySatisfy(c -> {
            assertThat(c.getMetric()).isEqualTo("error-rate");
            assertThat(c.getDecision()).isEqualTo(CheckDecision.FAIL);
            assertThat(c.getCandidateValue()).isBetween(0.04, 0.06); // 30 caller errors left out of the 5 %
        });
        assertThat(errors.getWindow().getExcluded()).containsEntry("client-error", 30L);
        CanaryDegraded slow = kafka.await(SluiceTopics.MONITORING, CanaryDegraded.class, e -> e.getModelName().equals("slow"), WAIT);
        assertThat(slow.getChecks()).anySatisfy(c -> {
            assertThat(c.getMetric()).startsWith("latency-p9");
            assertThat(c.getDecision()).isEqualTo(CheckDecision.FAIL);
        });
    }

    @Test
    void stillRollsBackACanaryWhoseAnswersTheFeedbackContradicts() throws Exception {
        // stable right 95 % of the time, the canary 50 %; first 99 canary answers, all labelled: too few to judge ...
        Traffic t = new Traffic(Instant.now(), new Random(14));
        t.canary("wrong-answers", 5, t.base.minusSeconds(6));
        t.labelled("wrong-answers", "v1", RouteRole.STABLE, 1500, 300, 0.95);
        t.labelled("wrong-answers", "v2", RouteRole.CANARY, 99, 99, 0.5);
        t.send();
        // ... until the feedback join has counted their labels (it lags the predictions), then more canary traffic
        awaitBody("/monitoring/wrong-answers", b -> b.replaceAll("\\s", "").matches(".*\"v2\":\\{[^}]*\"labelled\":99[,}].*"));
        t.served("wrong-answers", "v2", RouteRole.CANARY, 500, 100, 1.0, 5);
        t.send();
        CanaryDegraded wrong = kafka.await(SluiceTopics.MONITORING, CanaryDegraded.class, e -> e.getModelName().equals("wrong-answers"), WAIT);
        assertThat(wrong.getChecks()).anySatisfy(c -> {
            assertThat(c.getMetric()).isEqualTo("accuracy");
            assertThat(c.getDecision()).isEqualTo(CheckDecision.FAIL);
        });
        assertThat(kafka.events(SluiceTopics.MONITORING)).noneMatch(e -> e instanceof CanaryHealthy h && h.getModelName().equals("wrong-answers"));
    }

    @Test
    void judgesShadowReleasesOnTheSameRequestsAsStable() {
        CanaryHealthy agreeing = kafka.await(SluiceTopics.MONITORING, CanaryHealthy.class, e -> e.getModelName().equals("shadowed"), WAIT);
        assertThat(agreeing.getCanaryVersion()).isEqualTo("v2");
        assertThat(agreeing.getStableVersion()).isEqualTo("v1");
        assertThat(agreeing.getStepIndex()).isEqualTo(-1);
        assertThat(agreeing.getChecks()).anySatisfy(c -> {
            assertThat(c.getMetric()).isEqualTo("agreement");
            assertThat(c.getDecision()).isEqualTo(CheckDecision.PASS);
            assertThat(c.getCandidateSamples()).isGreaterThanOrEqualTo(100);
        });
        CanaryDegraded contradicting = kafka.await(SluiceTopics.MONITORING, CanaryDegraded.class,
                e -> e.getModelName().equals("shadow-wrong"), WAIT);
        assertThat(contradicting.getCanaryVersion()).isEqualTo("v2");
        assertThat(contradicting.getStepIndex()).isEqualTo(-1);
        assertThat(contradicting.getReason()).startsWith("shadow is worse than stable on agreement");
    }

    @Test
    void neverRollsProductionBackForABurstButStillForARealSlowdown() throws Exception {
        CanaryDegraded slow = kafka.await(SluiceTopics.MONITORING, CanaryDegraded.class, e -> e.getModelName().equals("prod-slow"), WAIT);
        assertThat(slow.getStepIndex()).isEqualTo(-1);
        assertThat(slow.getCanaryVersion()).isEqualTo("v2");
        // healthy once the burst is counted too: its 30 big inputs had nothing of the predecessor's to be compared with
        String body = awaitBody("/monitoring/prod-burst", b -> b.contains("\"productionCheck\"") && b.contains("\"outcome\":\"HEALTHY\"")
                && b.contains("30 latencies of kinds of work stable has too few of were not compared"));
        assertThat(body).contains("\"predecessor\":\"v1\"");
        assertThat(kafka.events(SluiceTopics.MONITORING)).noneMatch(e -> e instanceof CanaryDegraded d && d.getModelName().equals("prod-burst"));
    }

    @Test
    void neverRetrainsOnOneRequestOfHugeInputsNorDuringARelease() {
        RetrainingRequested retraining = kafka.await(SluiceTopics.TRAINING, RetrainingRequested.class,
                e -> e.getModelName().equals("drifted"), WAIT);
        assertThat(retraining.getEvidence()).isNotEmpty();
        DriftDetected drift = kafka.await(SluiceTopics.MONITORING, DriftDetected.class, e -> e.getModelName().equals("drifted"), WAIT);
        assertThat(drift.getKind()).isEqualTo(DriftKind.INPUT);
        kafka.await(SluiceTopics.MONITORING, DriftDetected.class, e -> e.getModelName().equals("drift-in-release"), WAIT);
        // several drift rounds later: still nothing for the outlier, no retraining while the canary is out
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(30)).until(() ->
                kafka.events(SluiceTopics.MONITORING).stream().noneMatch(e -> e instanceof DriftDetected d && d.getModelName().equals("outlier"))
                        && kafka.events(SluiceTopics.TRAINING).stream().noneMatch(e -> e instanceof RetrainingRequested r
                        && (r.getModelName().equals("outlier") || r.getModelName().equals("drift-in-release"))));
    }

    @Test
    void sendsVerdictsSynchronously() {
        assertThat(binders.getBinder(null, MessageChannel.class)).isInstanceOfSatisfying(KafkaMessageChannelBinder.class, kafkaBinder -> {
            assertThat(kafkaBinder.getExtendedProducerProperties(SluiceTopics.MONITORING).isSync()).isTrue();
            assertThat(kafkaBinder.getExtendedProducerProperties(SluiceTopics.TRAINING).isSync()).isTrue();
        });
    }

    /** Builds the records of the scenario: every event time within a few seconds of {@code base}. */
    private static final class Traffic {

        final Instant base;
        final Random random;
        final List<ProducerRecord<String, byte[]>> served = new ArrayList<>();

        Traffic(Instant base, Random random) {
            this.base = base;
            this.random = random;
        }

        void canary(String model, long revision, Instant stepStart) {
            served.add(record(SluiceTopics.DEPLOYMENT_STATE, model, state(model, revision, stepStart, 0, ReleasePhase.CANARY,
                    new Route("v1", RouteRole.STABLE, 90, uri(model, "v1")), new Route("v2", RouteRole.CANARY, 10, uri(model, "v2")))));
        }

        void shadow(String model, long revision) {
            served.add(record(SluiceTopics.DEPLOYMENT_STATE, model, state(model, revision, base.minusSeconds(6), -1, ReleasePhase.SHADOW,
                    new Route("v1", RouteRole.STABLE, 100, uri(model, "v1")), new Route("v2", RouteRole.SHADOW, 0, uri(model, "v2")))));
        }

        void production(String model, String cardUri) {
            served.add(record(SluiceTopics.DEPLOYMENT_STATE, model, state(model, 2, base.minusSeconds(6), -1, ReleasePhase.PROMOTED,
                    new Route("v1", RouteRole.STABLE, 100, cardUri))));
        }

        void releaseWithCard(String model, String cardUri) {
            served.add(record(SluiceTopics.DEPLOYMENT_STATE, model, state(model, 4, base.minusSeconds(6), 0, ReleasePhase.CANARY,
                    new Route("v1", RouteRole.STABLE, 90, cardUri), new Route("v2", RouteRole.CANARY, 10, uri(model, "v2")))));
        }

        /** v1 before the promotion (1,500 requests), then v2 (1,500) with its latencies times {@code latencyFactor}. */
        void promotion(String model, double latencyFactor) {
            Instant promotedAt = base.minusSeconds(2);
            served.add(record(SluiceTopics.DEPLOYMENT_STATE, model, state(model, 7, promotedAt, -1, ReleasePhase.PROMOTED,
                    new Route("v2", RouteRole.STABLE, 100, uri(model, "v2")))));
            for (int i = 0; i < 1500; i++) {
                served.add(record(SluiceTopics.PREDICTIONS, model, request(model, "v1", RouteRole.STABLE, outcome(i, 100), 1.0, 6,
                        promotedAt.minusMillis(2000 - i)).build()));
            }
            served.add(record(SluiceTopics.DEPLOYMENTS, model, Events.modelPromoted()
                    .setHeader(Events.header().setOccurredAt(promotedAt).build()).setModelName(model).setVersion("v2")
                    .setPreviousVersion("v1").setActor("system").setReason("healthy at the last step").build()));
            for (int i = 0; i < 1500; i++) {
                served.add(record(SluiceTopics.PREDICTIONS, model, request(model, "v2", RouteRole.STABLE, outcome(i, 100), latencyFactor, 7,
                        promotedAt.plusMillis(i)).build()));
            }
        }

        /** {@code n} requests, every {@code errorEvery}-th a server error, spread over the second after {@code base}. */
        void served(String model, String version, RouteRole role, int n, int errorEvery, double latencyFactor, long revision) {
            for (int i = 0; i < n; i++) {
                served.add(record(SluiceTopics.PREDICTIONS, model, request(model, version, role, outcome(i, errorEvery), latencyFactor, revision,
                        at(i, n)).build()));
            }
        }

        void outcome(String model, String version, RouteRole role, PredictionOutcome outcome, int n, long revision) {
            for (int i = 0; i < n; i++) {
                served.add(record(SluiceTopics.PREDICTIONS, model, request(model, version, role, outcome, 0.05, revision, at(i, n))
                        .setInputSize(600 * 64).setBatchSize(600).setPredictedClass(null).setConfidence(null).build()));
            }
        }

        /** {@code n} big inputs (4096×4096 RGB) answered five times slower than the small ones. */
        void big(String model, String version, RouteRole role, int n, long revision) {
            for (int i = 0; i < n; i++) {
                served.add(record(SluiceTopics.PREDICTIONS, model, request(model, version, role, PredictionOutcome.OK, 5.0, revision, at(i, n))
                        .setInputSize(BIG_INPUT).build()));
            }
        }

        void shadowAnswers(String model, int n, double agreement) {
            for (int i = 0; i < n; i++) {
                served.add(record(SluiceTopics.PREDICTIONS, model, request(model, "v2", RouteRole.SHADOW, outcome(i, 100), 1.0, 3, at(i, n))
                        .setAgreesWithStable(random.nextDouble() < agreement).build()));
            }
        }

        /**
         * {@code n} requests, the first {@code labels} of them with feedback that agrees with the answer with probability
         * {@code right}; the feedback goes first (the join keeps it until its prediction arrives), so that the labels are
         * counted as soon as the predictions are.
         */
        void labelled(String model, String version, RouteRole role, int n, int labels, double right) {
            List<PredictionServed> requests = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                PredictionServed request = request(model, version, role, PredictionOutcome.OK, 1.0, 5, at(i, n)).build();
                requests.add(request);
                if (i < labels) {
                    String truth = random.nextDouble() < right ? request.getPredictedClass() : "other";
                    served.add(record(SluiceTopics.FEEDBACK, model, Events.predictionFeedback() // keyed by model, as inference-service keys it
                            .setHeader(Events.header().setOccurredAt(at(i, n)).build()).setModelName(model)
                            .setRequestId(request.getRequestId()).setTrueLabel(truth).build()));
                }
            }
            requests.forEach(r -> served.add(record(SluiceTopics.PREDICTIONS, model, r)));
        }

        /** {@code n} requests whose input "mean" is normal around {@code mean} (sd 0.05), over two seconds. */
        void inputs(String model, String version, int n, double mean) {
            for (int i = 0; i < n; i++) {
                served.add(record(SluiceTopics.PREDICTIONS, model, request(model, version, RouteRole.STABLE, PredictionOutcome.OK, 1.0, 2,
                        base.minusMillis(500).plusMillis(2000L * i / n)).setInputStats(Map.of("mean", mean + 0.05 * random.nextGaussian())).build()));
            }
        }

        String card(String model, double mean, double std) throws Exception {
            Path dir = Files.createDirectories(dataDir.resolve("buckets/sluice-local-models/" + model + "/v1"));
            Files.writeString(dir.resolve("model-card.json"), """
                    {"dataset": {"name": "%s"}, "trainingData": {"features": [{"name": "mean", "mean": %s, "std": %s}],
                     "classCounts": {"c0": 100, "c1": 100, "c2": 100}}}
                    """.formatted(model, mean, std), StandardCharsets.UTF_8);
            return dir.toUri().toString();
        }

        PredictionServed.Builder request(String model, String version, RouteRole role, PredictionOutcome outcome, double latencyFactor,
                                         long revision, Instant at) {
            boolean answered = outcome == PredictionOutcome.OK;
            return Events.predictionServed().setHeader(Events.header().setOccurredAt(at).build())
                    .setRequestId(UUID.randomUUID().toString()).setModelName(model).setModelVersion(version).setRole(role)
                    .setOutcome(outcome).setRoutingRevision(revision).setInputSize(SMALL_INPUT)
                    .setLatencyMicros((long) (latencyFactor * 20_000 * Math.exp(0.4 * random.nextGaussian())))
                    .setPredictedClass(answered ? "c" + random.nextInt(3) : null).setConfidence(answered ? 0.8 + 0.1 * random.nextDouble() : null)
                    .setInputStats(Map.of("mean", 0.4 + 0.05 * random.nextGaussian()));
        }

        private Instant at(int i, int n) {
            return base.plusMillis(1000L * i / Math.max(1, n));
        }

        private static PredictionOutcome outcome(int i, int errorEvery) {
            return i % errorEvery == 0 ? PredictionOutcome.SERVER_ERROR : PredictionOutcome.OK;
        }

        /** Sends what was built so far. */
        void send() {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
                served.forEach(producer::send);
                producer.flush();
            }
            served.clear();
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("sluice-test-forced");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static DeploymentState state(String model, long revision, Instant at, int stepIndex, ReleasePhase phase, Route... routes) {
        return Events.deploymentState().setHeader(Events.header().setOccurredAt(at).build()).setModelName(model).setRevision(revision)
                .setPhase(phase).setRoutes(List.of(routes)).setStepIndex(stepIndex).build();
    }

    private static String uri(String model, String version) {
        return "file:/nonexistent/models/" + model + "/" + version + "/";
    }

    private static ProducerRecord<String, byte[]> record(String topic, String key, SpecificRecord event) {
        return new ProducerRecord<>(topic, key, kafka.codec().encode(event));
    }

    private String awaitBody(String path, java.util.function.Predicate<String> ready) throws Exception {
        String[] last = {""};
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .header("Authorization", "Bearer " + RouteWalk.KEYS.get(Role.VIEWER)).build(), HttpResponse.BodyHandlers.ofString());
            last[0] = response.body();
            return response.statusCode() == 200 && ready.test(last[0]);
        });
        return last[0];
    }
}
