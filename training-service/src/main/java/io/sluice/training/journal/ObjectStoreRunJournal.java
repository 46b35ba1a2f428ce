package io.sluice.training.journal;

import java.net.URI;

import io.sluice.platform.storage.ObjectStore;
import io.sluice.training.domain.RunJournal;
import io.sluice.training.domain.RunRecord;

/** Each run as {@code <prefix><runId>.json} in the object store (see {@link JsonObjectJournal}). */
public final class ObjectStoreRunJournal extends JsonObjectJournal<RunRecord> implements RunJournal {

    /** @param prefix where the records live, ending with '/' */
    public ObjectStoreRunJournal(ObjectStore store, URI prefix) {
        super(store, prefix, RunRecord.class, "run");
    }

    @Override
    String id(RunRecord record) {
        return record.runId();
    }
}
