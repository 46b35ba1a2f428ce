package io.sluice.events.history;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * The recorded writer schemas of every event type: {@code <SimpleName>.v<N>.avsc} files, each
 * self-contained, listed in {@code index.txt}. Readers decode any of them; the build refuses a
 * new schema that cannot read them or be read by them.
 */
public final class SchemaHistory {

    /** Classpath folder of the history that ships in the schemas jar. */
    public static final String RESOURCE_FOLDER = "/io/sluice/events/history/";
    static final String INDEX = "index.txt";

    private final Map<String, List<Schema>> versionsByName;

    private SchemaHistory(Map<String, List<Schema>> versionsByName) {
        this.versionsByName = versionsByName;
    }

    /** Loads the history packaged with this jar. */
    public static SchemaHistory fromClasspath() {
        try (InputStream index = SchemaHistory.class.getResourceAsStream(RESOURCE_FOLDER + INDEX)) {
            if (index == null) {
                throw new IllegalStateException("schema history index missing from the classpath: " + RESOURCE_FOLDER + INDEX);
            }
            Map<String, List<Schema>> byName = new TreeMap<>();
            for (String file : lines(new String(index.readAllBytes(), StandardCharsets.UTF_8))) {
                try (InputStream in = SchemaHistory.class.getResourceAsStream(RESOURCE_FOLDER + file)) {
                    if (in == null) {
                        throw new IllegalStateException("schema history lists " + file + " but it is not on the classpath");
                    }
                    add(byName, new Schema.Parser().parse(in));
                }
            }
            return new SchemaHistory(byName);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads the history from its source folder (used by the build check). */
    public static SchemaHistory fromFolder(Path folder) throws IOException {
        Map<String, List<Schema>> byName = new TreeMap<>();
        Path index = folder.resolve(INDEX);
        if (Files.exists(index)) {
            for (String file : lines(Files.readString(index))) {
                add(byName, new Schema.Parser().parse(folder.resolve(file).toFile()));
            }
        }
        return new SchemaHistory(byName);
    }

    private static void add(Map<String, List<Schema>> byName, Schema schema) {
        byName.computeIfAbsent(schema.getFullName(), k -> new ArrayList<>()).add(schema);
    }

    private static List<String> lines(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    /** Full names of every event type with a recorded schema. */
    public Stream<String> eventNames() {
        return versionsByName.keySet().stream();
    }

    /** Recorded versions of one event type, oldest first; empty when none. */
    public List<Schema> versions(String fullName) {
        return versionsByName.getOrDefault(fullName, List.of());
    }

    /** Every recorded schema of every type. */
    public Stream<Schema> all() {
        return versionsByName.values().stream().flatMap(List::stream);
    }

    /** True when a schema with the same parsing canonical form is recorded. */
    public boolean contains(Schema schema) {
        long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        return versions(schema.getFullName()).stream()
                .anyMatch(s -> SchemaNormalization.parsingFingerprint64(s) == fingerprint);
    }
}
