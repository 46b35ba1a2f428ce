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
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps each record as {@code <prefix><id>.json} in the object store (the staging bucket by default), so any replica can
 * read what another journaled and take its work over; a put replaces an object whole, so a crash never leaves half a
 * record. An unreadable record is skipped with a warning. The one mechanism behind the run and search journals.
 */
abstract class JsonObjectJournal<T> {

    private static final Logger LOG = Logger.getLogger(JsonObjectJournal.class.getName());
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private final ObjectStore store;
    private final URI prefix;
    private final Class<T> type;
    private final String what;

    /**
     * @param prefix where the records live, ending with '/'
     * @param what   the record's kind in messages ("run", "search")
     */
    JsonObjectJournal(ObjectStore store, URI prefix, Class<T> type, String what) {
        if (!prefix.toString().endsWith("/")) {
            throw new IllegalArgumentException("the " + what + " journal's URI must end with '/': " + prefix);
        }
        this.store = store;
        this.prefix = prefix;
        this.type = type;
        this.what = what;
    }

    /** The record's id, its object's name. */
    abstract String id(T record);

    public void save(T record) throws IOException {
        String id = id(record);
        if (!id.matches("[A-Za-z0-9._-]+") || id.startsWith(".")) {
            throw new IllegalArgumentException(what + " id '" + id + "' is not a safe object name");
        }
        store.put(ObjectKeys.resolve(prefix, id + ".json"), JSON.writeValueAsBytes(record));
    }

    public List<T> all() throws IOException {
        List<T> records = new ArrayList<>();
        List<URI> objects;
        try (Stream<StoredObject> listed = store.list(prefix)) {
            objects = listed.map(StoredObject::uri).filter(u -> u.getPath().endsWith(".json")).toList();
        }
        for (URI object : objects) {
            try {
                records.add(JSON.readValue(store.read(object), type));
            } catch (FileNotFoundException e) {
                // removed since the listing
            } catch (JacksonException e) {
                LOG.warning(() -> "skipping unreadable " + what + " record " + object + ": " + e.getOriginalMessage());
            }
        }
        return records;
    }
}
