package io.sluice.training.domain;

import java.io.IOException;
import java.util.List;

/** Durable store of run records; survives restarts so unfinished runs are redone and finished ones never repeated. */
public interface RunJournal {

    /** Writes (or replaces) a record atomically. */
    void save(RunRecord record) throws IOException;

    /** Every record, in no particular order. */
    List<RunRecord> all() throws IOException;
}
