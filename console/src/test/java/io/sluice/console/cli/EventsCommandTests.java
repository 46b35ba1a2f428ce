package io.sluice.console.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.sluice.events.Events;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.testkit.SluiceKafka;
import tools.jackson.databind.JsonNode;

/** {@code sluice events} against a real (embedded) broker, through the CLI's entry point. */
class EventsCommandTests {

    @RegisterExtension
    static SluiceKafka kafka = new SluiceKafka();

    private Map<String, String> env() {
        return Map.of("SLUICE_KAFKA", kafka.bootstrapServers());
    }

    @Test
    void followPrintsAnEventPublishedToSluiceDatasetsAsJson() throws Exception {
        String dataset = "flowers-" + UUID.randomUUID();
        CliRun run = new CliRun();
        Thread cli = CliRun.start(run, env(), "events", "--follow", "--topic", SluiceTopics.DATASETS, "--limit", "1");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!run.err().contains("following") && System.nanoTime() < deadline && cli.isAlive()) {
            Thread.sleep(20);
        }
        assertThat(run.err()).contains("sluice events: following 1 topic(s)");

        kafka.publish(SluiceTopics.DATASETS, dataset, Events.datasetReady().setDatasetName(dataset).build());
        cli.join(60_000);

        assertThat(cli.isAlive()).isFalse();
        assertThat(run.exitCode).isZero();
        List<JsonNode> lines = run.jsonLines();
        assertThat(lines).hasSize(1);
        JsonNode line = lines.get(0);
        assertThat(line.get("topic").asString()).isEqualTo(SluiceTopics.DATASETS);
        assertThat(line.get("key").asString()).isEqualTo(dataset);
        assertThat(line.get("partition").asInt()).isZero();
        assertThat(line.has("offset")).isTrue();
        assertThat(line.get("timestamp").asString()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(line.at("/event/type").asString()).isEqualTo("DatasetReady");
        assertThat(line.at("/event/datasetName").asString()).isEqualTo(dataset);
        assertThat(line.at("/event/header/correlationId").asString()).isEqualTo(Events.DATASET + "@" + Events.DATASET_VERSION);
    }

    @Test
    void printsWhatIsThereIncludingNotificationsAndDeadLettersThenExits() {
        String key = "raw-" + UUID.randomUUID();
        kafka.publishRaw(SluiceTopics.NOTIFICATIONS, key, "{\"name\":\"datasets/a/_SUCCESS\"}".getBytes(StandardCharsets.UTF_8));
        kafka.publishRaw(SluiceTopics.TRAINING + ".dlt", key, new byte[] {1, 2, 3},
                new RecordHeader("sluice-dlt-reason", "UNKNOWN_FORMAT: not an event".getBytes(StandardCharsets.UTF_8)));
        kafka.publish(SluiceTopics.TRAINING, key, Events.trainingStarted().setRunId(key).build());

        CliRun run = CliRun.run(env(), "events");

        assertThat(run.exitCode).as(run.err()).isZero();
        List<JsonNode> mine = run.jsonLines().stream().filter(l -> key.equals(l.get("key").asString())).toList();
        assertThat(mine).hasSize(3);
        JsonNode notification = byTopic(mine, SluiceTopics.NOTIFICATIONS);
        assertThat(notification.get("value").asString()).isEqualTo("{\"name\":\"datasets/a/_SUCCESS\"}");
        assertThat(notification.has("event")).isFalse();
        JsonNode deadLetter = byTopic(mine, SluiceTopics.TRAINING + ".dlt");
        assertThat(deadLetter.get("deadLetterReason").asString()).isEqualTo("UNKNOWN_FORMAT: not an event");
        assertThat(deadLetter.get("value").asString()).isEqualTo("\u0001\u0002\u0003");
        assertThat(byTopic(mine, SluiceTopics.TRAINING).at("/event/type").asString()).isEqualTo("TrainingStarted");
    }

    @Test
    void filtersByModelAndEventType() {
        String model = "m-" + UUID.randomUUID();
        kafka.publish(SluiceTopics.TRAINING, "r1", Events.trainingCompleted().setModelName(model).setModelVersion("v1").build());
        kafka.publish(SluiceTopics.TRAINING, "r2", Events.trainingCompleted().setModelName("other").build());
        kafka.publish(SluiceTopics.EVALUATIONS, model, Events.modelApproved().setModelName(model).build());

        CliRun run = CliRun.run(env(), "events", "--model", model, "--type", "trainingcompleted");

        assertThat(run.exitCode).as(run.err()).isZero();
        assertThat(run.jsonLines()).singleElement().satisfies(line -> {
            assertThat(line.at("/event/type").asString()).isEqualTo("TrainingCompleted");
            assertThat(line.at("/event/modelName").asString()).isEqualTo(model);
        });
    }

    @Test
    void followFiltersByDatasetAndTypesLikeTheConsoleAndLeavesOutTelemetry() throws Exception {
        String dataset = "follow-" + UUID.randomUUID();
        CliRun run = new CliRun();
        Thread cli = CliRun.start(run, env(), "events", "--follow", "--no-telemetry", "--dataset", dataset,
                "--type", "DatasetReady,datasetrejected", "--limit", "2", "--timeout", "60");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!run.err().contains("following") && System.nanoTime() < deadline && cli.isAlive()) {
            Thread.sleep(20);
        }
        assertThat(run.err()).contains("sluice events: following").doesNotContain(SluiceTopics.PREDICTIONS);

        kafka.publish(SluiceTopics.PREDICTIONS, "m", Events.predictionServed().build());
        kafka.publish(SluiceTopics.DATASETS, "other", Events.datasetReady().setDatasetName("other-" + dataset).build());
        kafka.publish(SluiceTopics.DATASETS, dataset, Events.datasetReady().setDatasetName(dataset).build());
        kafka.publish(SluiceTopics.DATASETS, dataset, Events.datasetRejected().setDatasetName(dataset).build());
        cli.join(60_000);

        assertThat(cli.isAlive()).isFalse();
        assertThat(run.exitCode).as(run.err()).isZero();
        assertThat(run.jsonLines()).extracting(l -> l.at("/event/type").asString()).containsExactly("DatasetReady", "DatasetRejected");
        assertThat(run.jsonLines()).allSatisfy(l -> assertThat(l.at("/event/datasetName").asString()).isEqualTo(dataset));
    }

    @Test
    void noTelemetryLeavesOutPredictionsAndFeedback() {
        String key = "telemetry-" + UUID.randomUUID();
        kafka.publish(SluiceTopics.PREDICTIONS, key, Events.predictionServed().build());
        kafka.publish(SluiceTopics.FEEDBACK, key, Events.predictionFeedback().build());
        kafka.publish(SluiceTopics.TRAINING, key, Events.trainingStarted().setRunId(key).build());

        CliRun all = CliRun.run(env(), "events");
        CliRun pipeline = CliRun.run(env(), "events", "--no-telemetry");

        assertThat(all.jsonLines()).filteredOn(l -> key.equals(l.get("key").asString())).extracting(l -> l.get("topic").asString())
                .containsExactlyInAnyOrder(SluiceTopics.PREDICTIONS, SluiceTopics.FEEDBACK, SluiceTopics.TRAINING);
        assertThat(pipeline.exitCode).as(pipeline.err()).isZero();
        assertThat(pipeline.jsonLines()).filteredOn(l -> key.equals(l.get("key").asString())).extracting(l -> l.get("topic").asString())
                .containsExactly(SluiceTopics.TRAINING);
        assertThat(pipeline.jsonLines()).noneMatch(l -> l.get("topic").asString().startsWith(SluiceTopics.PREDICTIONS));
    }

    @Test
    void lastPrintsOnlyTheMostRecentRecords() {
        String model = "last-" + UUID.randomUUID();
        for (int i = 1; i <= 3; i++) {
            kafka.publish(SluiceTopics.MONITORING, model, Events.canaryHealthy().setModelName(model).setStepIndex(i).build());
        }

        CliRun run = CliRun.run(env(), "events", "--topic", SluiceTopics.MONITORING, "--last", "2");

        assertThat(run.exitCode).as(run.err()).isZero();
        assertThat(run.jsonLines()).extracting(l -> l.at("/event/stepIndex").asInt()).containsExactly(2, 3);
    }

    @Test
    void exitsWithOneWhenTheAwaitedRecordsDoNotComeInTime() {
        CliRun run = CliRun.run(env(), "events", "--follow", "--type", "ModelPromoted", "--model", "never-" + UUID.randomUUID(),
                "--limit", "1", "--timeout", "1");

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("0 of 1 record(s) within 1 s");
    }

    @Test
    void failsReadablyOnAnUnknownTopicAndOnBadUsage() {
        CliRun unknown = CliRun.run(env(), "events", "--topic", "sluice.nope");
        assertThat(unknown.exitCode).isEqualTo(1);
        assertThat(unknown.err()).contains("no topic sluice.nope on").contains(SluiceTopics.DATASETS);

        CliRun usage = CliRun.run(env(), "events", "--bogus");
        assertThat(usage.exitCode).isEqualTo(2);
        assertThat(usage.err()).contains("Unknown option: '--bogus'").contains("Usage: sluice events");
    }

    private static JsonNode byTopic(List<JsonNode> lines, String topic) {
        return lines.stream().filter(l -> topic.equals(l.get("topic").asString())).findFirst().orElseThrow();
    }
}
