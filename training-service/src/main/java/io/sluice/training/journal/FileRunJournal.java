package io.sluice.training.journal;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import java.util.stream.Stream;

import io.sluice.training.domain.RunJournal;
import io.sluice.training.domain.RunRecord;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps each run as {@code <runId>.json} in a folder; writes go to a temporary file that is moved
 * into place, so a crash never leaves half a record. An unreadable file is skipped with a warning.
 */
public final class FileRunJournal implements RunJournal {

    private static final Logger LOG = Logger.getLogger(FileRunJournal.class.getName());
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private final Path folder;

    public FileRunJournal(Path folder) throws IOException {
        this.folder = Files.createDirectories(folder);
    }

    @Override
    public void save(RunRecord record) throws IOException {
        if (!record.runId().matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("run id '" + record.runId() + "' is not a safe file name");
        }
        Path temp = Files.createTempFile(folder, record.runId(), ".tmp");
        Files.write(temp, JSON.writeValueAsBytes(record));
        Path target = folder.resolve(record.runId() + ".json");
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public List<RunRecord> all() throws IOException {
        List<RunRecord> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                try {
                    records.add(JSON.readValue(Files.readAllBytes(file), RunRecord.class));
                } catch (JacksonException e) {
                    LOG.warning(() -> "skipping unreadable run record " + file + ": " + e.getOriginalMessage());
                }
            }
        }
        return records;
    }
}
