package io.sluice.training.journal;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import java.util.stream.Stream;

import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.storage.ObjectStore;
import io.sluice.platform.storage.StoredObject;
import io.sluice.training.domain.RunJournal;
import io.sluice.training.domain.RunRecord;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps each run as {@code <prefix><runId>.json} in the object store (the staging bucket by default),
 * so any replica can read what another journaled and take its runs over; a put replaces an object
 * whole, so a crash never leaves half a record. An unreadable record is skipped with a warning.
 */
public final class ObjectStoreRunJournal implements RunJournal {

    private static final Logger LOG = Logger.getLogger(ObjectStoreRunJournal.class.getName());
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private final ObjectStore store;
    private final URI prefix;

    /** @param prefix where the records live, ending with '/' */
    public ObjectStoreRunJournal(ObjectStore store, URI prefix) {
        if (!prefix.toString().endsWith("/")) {
            throw new IllegalArgumentException("the run journal's URI must end with '/': " + prefix);
        }
        this.store = store;
        this.prefix = prefix;
    }

    @Override
    public void save(RunRecord record) throws IOException {
        if (!record.runId().matches("[A-Za-z0-9._-]+") || record.runId().startsWith(".")) {
            throw new IllegalArgumentException("run id '" + record.runId() + "' is not a safe object name");
        }
        store.put(ObjectKeys.resolve(prefix, record.runId() + ".json"), JSON.writeValueAsBytes(record));
    }

    @Override
    public List<RunRecord> all() throws IOException {
        List<RunRecord> records = new ArrayList<>();
        List<URI> objects;
        try (Stream<StoredObject> listed = store.list(prefix)) {
            objects = listed.map(StoredObject::uri).filter(u -> u.getPath().endsWith(".json")).toList();
        }
        for (URI object : objects) {
            try {
                records.add(JSON.readValue(store.read(object), RunRecord.class));
            } catch (FileNotFoundException e) {
                // removed since the listing
            } catch (JacksonException e) {
                LOG.warning(() -> "skipping unreadable run record " + object + ": " + e.getOriginalMessage());
            }
        }
        return records;
    }
}
