package io.sluice.events.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaHistoryCheckTests {

    private static final Path SOURCES = Path.of("src/main/avro");
    private static final Path HISTORY = Path.of("src/main/resources/io/sluice/events/history");

    @Test
    void acceptsTheCurrentSchemas() throws Exception {
        List<Schema> current = SchemaHistoryCheck.currentEvents(SOURCES);
        // every .avsc under events/ is an event the check sees
        try (var files = java.nio.file.Files.list(SOURCES.resolve("events"))) {
            assertThat(current).hasSize((int) files.filter(f -> f.toString().endsWith(".avsc")).count());
        }
        assertThat(SchemaHistoryCheck.problems(current, SchemaHistory.fromFolder(HISTORY))).isEmpty();
    }

    @Test
    void rejectsAFieldAddedWithoutADefault(@TempDir Path copy) throws Exception {
        Path sources = copySources(copy);
        edit(sources.resolve("events/DatasetReady.avsc"), "{\"name\": \"datasetName\", \"type\": \"string\"},",
                "{\"name\": \"datasetName\", \"type\": \"string\"}, {\"name\": \"owner\", \"type\": \"string\"},");

        List<String> problems = SchemaHistoryCheck.problems(SchemaHistoryCheck.currentEvents(sources), SchemaHistory.fromFolder(HISTORY));

        assertThat(problems).anySatisfy(p -> assertThat(p).contains("io.sluice.events.DatasetReady cannot read v1 (backward)")
                .contains("READER_FIELD_MISSING_DEFAULT").contains("owner"));
    }

    @Test
    void rejectsARemovedFieldThatOldReadersNeed(@TempDir Path copy) throws Exception {
        Path sources = copySources(copy);
        edit(sources.resolve("events/TrainingFailed.avsc"), "{\"name\": \"reason\", \"type\": \"string\", \"doc\": \"What an engineer can act on; never a secret.\"},", "");

        List<String> problems = SchemaHistoryCheck.problems(SchemaHistoryCheck.currentEvents(sources), SchemaHistory.fromFolder(HISTORY));

        assertThat(problems).anySatisfy(p -> assertThat(p).contains("TrainingFailed cannot be read by v1 (forward)"));
    }

    @Test
    void rejectsAChangedFieldType(@TempDir Path copy) throws Exception {
        Path sources = copySources(copy);
        edit(sources.resolve("events/PredictionServed.avsc"), "{\"name\": \"latencyMicros\", \"type\": \"long\"}",
                "{\"name\": \"latencyMicros\", \"type\": \"string\"}");

        assertThat(SchemaHistoryCheck.problems(SchemaHistoryCheck.currentEvents(sources), SchemaHistory.fromFolder(HISTORY)))
                .anySatisfy(p -> assertThat(p).contains("PredictionServed").contains("TYPE_MISMATCH"));
    }

    @Test
    void asksToRecordACompatibleChangeAndRecordsItAsTheNextVersion(@TempDir Path copy) throws Exception {
        Path sources = copySources(copy);
        Path history = Files.createDirectories(copy.resolve("history"));
        for (Path file : Files.list(HISTORY).toList()) {
            Files.copy(file, history.resolve(file.getFileName()));
        }
        edit(sources.resolve("events/PredictionFeedback.avsc"), "{\"name\": \"trueLabel\", \"type\": \"string\"}",
                "{\"name\": \"trueLabel\", \"type\": \"string\"}, {\"name\": \"source\", \"type\": [\"null\", \"string\"], \"default\": null}");
        List<Schema> current = SchemaHistoryCheck.currentEvents(sources);

        assertThat(SchemaHistoryCheck.problems(current, SchemaHistory.fromFolder(history)))
                .containsExactly("io.sluice.events.PredictionFeedback is not recorded in the schema history;"
                        + " record it with: ./mvnw -pl schemas compile exec:java@record-schema-history");
        assertThat(SchemaHistoryCheck.record(current, history)).containsExactly(history.resolve("PredictionFeedback.v2.avsc"));
        assertThat(SchemaHistoryCheck.problems(current, SchemaHistory.fromFolder(history))).isEmpty();
        assertThat(SchemaHistory.fromFolder(history).versions("io.sluice.events.PredictionFeedback")).hasSize(2);
    }

    @Test
    void refusesToRecordABreakingChange(@TempDir Path copy) throws Exception {
        Path sources = copySources(copy);
        Path history = Files.createDirectories(copy.resolve("history"));
        for (Path file : Files.list(HISTORY).toList()) {
            Files.copy(file, history.resolve(file.getFileName()));
        }
        edit(sources.resolve("events/PredictionFeedback.avsc"), "\"trueLabel\", \"type\": \"string\"", "\"trueLabel\", \"type\": \"int\"");

        assertThatThrownBy(() -> SchemaHistoryCheck.record(SchemaHistoryCheck.currentEvents(sources), history))
                .hasMessageContaining("refusing to record incompatible schemas");
    }

    @Test
    void failsTheBuildStepOnABreakingChange(@TempDir Path copy) throws Exception {
        Path sources = copySources(copy);
        edit(sources.resolve("events/DatasetReady.avsc"), "{\"name\": \"datasetName\", \"type\": \"string\"},",
                "{\"name\": \"datasetName\", \"type\": \"int\"},");

        assertThatThrownBy(() -> SchemaHistoryCheck.main(new String[] {"check", sources.toString(), HISTORY.toString()}))
                .hasMessageContaining("schema history check failed").hasMessageContaining("DatasetReady");
    }

    private static Path copySources(Path copy) throws Exception {
        Path target = copy.resolve("avro");
        for (String folder : List.of("common", "events")) {
            Files.createDirectories(target.resolve(folder));
            for (Path file : Files.list(SOURCES.resolve(folder)).toList()) {
                Files.copy(file, target.resolve(folder).resolve(file.getFileName()));
            }
        }
        return target;
    }

    private static void edit(Path file, String from, String to) throws Exception {
        String text = Files.readString(file);
        assertThat(text).contains(from);
        Files.writeString(file, text.replace(from, to));
    }
}
