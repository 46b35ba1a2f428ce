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
import io.sluice.training.domain.tuning.SearchJournal;
import io.sluice.training.domain.tuning.SearchRecord;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps each hyperparameter search as {@code <prefix><searchId>.json} in the object store, next to the run journal,
 * so the replica that inherits a model resumes its search; a put replaces the record whole. An unreadable record is
 * skipped with a warning.
 */
public final class ObjectStoreSearchJournal implements SearchJournal {

    private static final Logger LOG = Logger.getLogger(ObjectStoreSearchJournal.class.getName());
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private final ObjectStore store;
    private final URI prefix;

    /** @param prefix where the records live, ending with '/' */
    public ObjectStoreSearchJournal(ObjectStore store, URI prefix) {
        if (!prefix.toString().endsWith("/")) {
            throw new IllegalArgumentException("the search journal's URI must end with '/': " + prefix);
        }
        this.store = store;
        this.prefix = prefix;
    }

    @Override
    public void save(SearchRecord record) throws IOException {
        if (!record.searchId().matches("[A-Za-z0-9._-]+") || record.searchId().startsWith(".")) {
            throw new IllegalArgumentException("search id '" + record.searchId() + "' is not a safe object name");
        }
        store.put(ObjectKeys.resolve(prefix, record.searchId() + ".json"), JSON.writeValueAsBytes(record));
    }

    @Override
    public List<SearchRecord> all() throws IOException {
        List<SearchRecord> records = new ArrayList<>();
        List<URI> objects;
        try (Stream<StoredObject> listed = store.list(prefix)) {
            objects = listed.map(StoredObject::uri).filter(u -> u.getPath().endsWith(".json")).toList();
        }
        for (URI object : objects) {
            try {
                records.add(JSON.readValue(store.read(object), SearchRecord.class));
            } catch (FileNotFoundException e) {
                // removed since the listing
            } catch (JacksonException e) {
                LOG.warning(() -> "skipping unreadable search record " + object + ": " + e.getOriginalMessage());
            }
        }
        return records;
    }
}
