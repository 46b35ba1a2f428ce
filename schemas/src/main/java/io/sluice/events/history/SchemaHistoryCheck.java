package io.sluice.events.history;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * The build step behind schema evolution. {@code check} fails when an event schema in
 * {@code src/main/avro/events} cannot read every recorded version of itself (backward) or
 * cannot be read by every one of them (forward), or when a compatible change was not recorded;
 * {@code record} appends the current schemas that changed to the history.
 */
public final class SchemaHistoryCheck {

    /** Reasons the current schemas may not be shipped; empty when all is well. */
    public static List<String> problems(List<Schema> current, SchemaHistory history) {
        List<String> problems = new ArrayList<>();
        for (Schema schema : current) {
            problems.addAll(incompatibilities(schema, history));
            if (!history.contains(schema)) {
                problems.add(schema.getFullName() + " is not recorded in the schema history;"
                        + " record it with: ./mvnw -pl schemas compile exec:java@record-schema-history");
            }
        }
        return problems;
    }

    /** Backward and forward incompatibilities of one schema against each recorded version of it. */
    public static List<String> incompatibilities(Schema schema, SchemaHistory history) {
        List<String> problems = new ArrayList<>();
        List<Schema> versions = history.versions(schema.getFullName());
        for (int i = 0; i < versions.size(); i++) {
            Schema old = versions.get(i);
            var backward = SchemaCompatibility.checkReaderWriterCompatibility(schema, old);
            if (backward.getType() != SchemaCompatibilityType.COMPATIBLE) {
                problems.add(schema.getFullName() + " cannot read v" + (i + 1) + " (backward): " + describe(backward));
            }
            var forward = SchemaCompatibility.checkReaderWriterCompatibility(old, schema);
            if (forward.getType() != SchemaCompatibilityType.COMPATIBLE) {
                problems.add(schema.getFullName() + " cannot be read by v" + (i + 1) + " (forward): " + describe(forward));
            }
        }
        return problems;
    }

    private static String describe(SchemaCompatibility.SchemaPairCompatibility result) {
        return result.getResult().getIncompatibilities().stream()
                .map(inc -> inc.getType() + " at " + inc.getLocation() + " (" + inc.getMessage() + ")")
                .collect(Collectors.joining("; "));
    }

    /** Parses the shared types of {@code common/} and then every event of {@code events/}. */
    public static List<Schema> currentEvents(Path avroSources) throws IOException {
        Schema.Parser parser = new Schema.Parser();
        for (String common : List.of("EventHeader.avsc", "Enums.avsc", "Records.avsc")) {
            parser.parse(avroSources.resolve("common").resolve(common).toFile());
        }
        try (Stream<Path> files = Files.list(avroSources.resolve("events"))) {
            List<Schema> events = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList()) {
                events.add(parser.parse(file.toFile()));
            }
            return events;
        }
    }

    /** Writes each current schema that differs from its history as the next version, and the index. */
    public static List<Path> record(List<Schema> current, Path historyFolder) throws IOException {
        SchemaHistory history = SchemaHistory.fromFolder(historyFolder);
        List<String> incompatible = current.stream().flatMap(s -> incompatibilities(s, history).stream()).toList();
        if (!incompatible.isEmpty()) {
            throw new IllegalStateException("refusing to record incompatible schemas:\n  " + String.join("\n  ", incompatible));
        }
        Files.createDirectories(historyFolder);
        List<Path> written = new ArrayList<>();
        for (Schema schema : current) {
            if (!history.contains(schema)) {
                int version = history.versions(schema.getFullName()).size() + 1;
                Path file = historyFolder.resolve(schema.getName() + ".v" + version + ".avsc");
                Files.writeString(file, schema.toString(true) + "\n");
                written.add(file);
            }
        }
        try (Stream<Path> files = Files.list(historyFolder)) {
            String index = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".avsc")).sorted()
                    .collect(Collectors.joining("\n", "# every recorded writer schema; maintained by record-schema-history\n", "\n"));
            Files.writeString(historyFolder.resolve(SchemaHistory.INDEX), index);
        }
        return written;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3 || !List.of("check", "record").contains(args[0])) {
            System.err.println("usage: SchemaHistoryCheck check|record <avro-source-dir> <history-dir>");
            System.exit(2);
        }
        List<Schema> current = currentEvents(Path.of(args[1]));
        Path historyFolder = Path.of(args[2]);
        if (args[0].equals("record")) {
            List<Path> written = record(current, historyFolder);
            System.out.println("schema history: recorded " + written.size() + " new version(s)"
                    + written.stream().map(p -> "\n  " + p.getFileName()).collect(Collectors.joining()));
            return;
        }
        List<String> problems = problems(current, SchemaHistory.fromFolder(historyFolder));
        if (!problems.isEmpty()) {
            // exec:java turns this into a build failure with the message
            throw new IllegalStateException("schema history check failed (" + problems.size() + "):\n  "
                    + String.join("\n  ", problems) + "\n" + "sources: " + new File(args[1]).getAbsolutePath());
        }
        System.out.println("schema history: " + current.size() + " event schemas are backward and forward compatible with their history");
    }
}
