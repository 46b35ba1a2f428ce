package io.sluice.training;

import java.nio.file.Path;

import io.sluice.platform.storage.FileObjectStore;
import io.sluice.training.domain.RunJournal;
import io.sluice.training.journal.ObjectStoreRunJournal;

/** The run journal as the service keeps it (in an object store), on a local bucket under a test folder. */
public final class TestJournals {

    private TestJournals() {}

    /** A journal in the {@code staging} bucket under {@code folder}. */
    public static RunJournal in(Path folder) {
        FileObjectStore store = new FileObjectStore(folder);
        return new ObjectStoreRunJournal(store, store.bucket("staging").resolve("runs/"));
    }
}
