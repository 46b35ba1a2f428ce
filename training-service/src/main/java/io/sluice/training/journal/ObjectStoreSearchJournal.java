package io.sluice.training.journal;

import java.net.URI;

import io.sluice.platform.storage.ObjectStore;
import io.sluice.training.domain.tuning.SearchJournal;
import io.sluice.training.domain.tuning.SearchRecord;

/**
 * Each hyperparameter search as {@code <prefix><searchId>.json}, next to the run journal, so the replica that inherits a
 * model resumes its search (see {@link JsonObjectJournal}).
 */
public final class ObjectStoreSearchJournal extends JsonObjectJournal<SearchRecord> implements SearchJournal {

    /** @param prefix where the records live, ending with '/' */
    public ObjectStoreSearchJournal(ObjectStore store, URI prefix) {
        super(store, prefix, SearchRecord.class, "search");
    }

    @Override
    String id(SearchRecord record) {
        return record.searchId();
    }
}
